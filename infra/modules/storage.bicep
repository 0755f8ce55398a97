// The storage account of the app and its engine: every table, queue and container the code names, created here so
// that the deployment (not the first request) decides their protection. The app still calls CreateIfNotExists,
// which is a no-op against them. Keys are disabled: the app, the KEDA scaler and operators use Entra ID.

@description('Account name (3–24 lowercase letters and digits, globally unique).')
param name string

@description('Region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Redundancy. ZRS keeps the account writable through a zone outage where the region has zones.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param skuName string = 'Standard_ZRS'

@description('Durable task hub name (DurableTask:HubName): names the provider\'s {Hub}History/Instances/Partitions tables, {hub}-control-NN and {hub}-workitems queues and {hub}-largemessages/{hub}-leases containers.')
param hubName string

@description('Durable partitions (DurableTask:PartitionCount): one control queue each.')
@minValue(1)
@maxValue(64)
param partitionCount int

@description('Pipeline and supervision table prefix (Approvals:TablePrefix).')
param tablePrefix string

@description('Timeline anchor container (Supervision:AnchorContainer).')
param anchorContainerName string

@description('Days an anchor blob stays immutable after its last append (time-based retention, container-level WORM).')
@minValue(1)
@maxValue(146000)
param anchorRetentionDays int

@description('True once the anchor policy has been locked (infra/README.md): a locked policy can only be extended, never put again, so the deployment leaves it alone.')
param anchorPolicyLocked bool = false

@description('Days deleted blobs, versions and containers stay recoverable (soft delete).')
@minValue(1)
@maxValue(365)
param softDeleteRetentionDays int = 30

@description('Days previous versions of engine payload blobs are kept; they are transient, unlike attachments.')
@minValue(1)
param payloadVersionRetentionDays int = 7

@description('Principal id of the app identity: blob, table and queue data contributor.')
param dataPrincipalId string

@description('Container of the Functions app\'s deployment package (Flex Consumption); empty when the app is not a Functions app.')
param deploymentContainerName string = ''


// Built-in roles: Storage Blob/Table/Queue Data Contributor: what the app and the Durable runtime need, in either host
// (the Functions host also keeps its keys and leases in blobs and reads the deployment package with Blob Data
// Contributor). Queue Data Contributor already includes what the KEDA azure-queue scaler needs (queue properties and
// peek), so no separate Queue Data Message Processor/Reader role.
var dataRoles = [
  'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
]

var hubLower = toLower(hubName)
var containerPrefix = toLower(tablePrefix)

// The Durable Task Framework's Azure Storage provider (DurableTask.AzureStorage 2.11) and
// src/Approvals.Pipeline/Storage/PipelineStorage.cs, Supervision/SupervisionStorage.cs.
var tableNames = concat(
  map(['History', 'Instances', 'Partitions'], t => '${hubName}${t}'),
  map(['Cases', 'Tasks', 'Applicants', 'Counters', 'Licences', 'Keys'], t => '${tablePrefix}${t}'),
  map(['Timeline', 'Alerts', 'StatsFacts', 'Complaints', 'Register'], t => '${tablePrefix}${t}')
)
var payloadContainer = '${hubLower}-largemessages'
var plainContainers = concat(
  [
    payloadContainer
    '${hubLower}-leases'
    '${containerPrefix}-materials'
    '${containerPrefix}-licences'
  ],
  empty(deploymentContainerName) ? [] : [deploymentContainerName]
)
var controlQueues = [for p in range(0, partitionCount): '${hubLower}-control-${padLeft(string(p), 2, '0')}']

resource account 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowCrossTenantReplication: false
    // Container Apps on the consumption plan reach storage over its public endpoint; access is Entra ID only.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' = {
  parent: account
  name: 'default'
  properties: {
    // Attachments: an overwritten or deleted material stays recoverable.
    isVersioningEnabled: true
    deleteRetentionPolicy: {
      enabled: true
      days: softDeleteRetentionDays
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: softDeleteRetentionDays
    }
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = [
  for c in plainContainers: {
    parent: blobs
    name: c
    properties: {
      publicAccess: 'None'
    }
  }
]

resource anchors 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobs
  name: anchorContainerName
  properties: {
    publicAccess: 'None'
  }
}

// Container-level WORM: one retention for every anchor, settable on an existing container, lockable for compliance
// (infra/README.md), with an audit log of policy changes. allowProtectedAppendWrites lets the app append a chain head
// to an existing append blob (TimelineAnchors) while no block already written can be changed or deleted.
// Version-level WORM is not needed: no anchor needs its own retention, and anchors are never overwritten.
resource anchorRetention 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies@2024-01-01' = if (!anchorPolicyLocked) {
  parent: anchors
  name: 'default'
  properties: {
    immutabilityPeriodSinceCreationInDays: anchorRetentionDays
    allowProtectedAppendWrites: true
  }
}

// Engine payloads are rewritten and purged as instances run and finish; keeping their old versions as long as
// attachments would only cost money.
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2024-01-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'expire-payload-versions'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${payloadContainer}/'
              ]
            }
            actions: {
              version: {
                delete: {
                  daysAfterCreationGreaterThan: payloadVersionRetentionDays
                }
              }
            }
          }
        }
      ]
    }
  }
  dependsOn: [
    blobs
  ]
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2024-01-01' = {
  parent: account
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2024-01-01' = [
  for t in tableNames: {
    parent: tableService
    name: t
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2024-01-01' = {
  parent: account
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2024-01-01' = [
  for q in concat(controlQueues, ['${hubLower}-workitems']): {
    parent: queueService
    name: q
  }
]

resource dataAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in dataRoles: {
    name: guid(account.id, dataPrincipalId, role)
    scope: account
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: dataPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output controlQueues array = controlQueues
