// Approvals on Azure: storage (tables, queues, blobs of the Durable task hub and the pipeline), the host — an Azure
// Functions app on Flex Consumption (serverless, the default) or the ASP.NET Core host on Container Apps (self-hosting,
// with a registry) —, Key Vault (secrets), a user-assigned identity, and monitoring. Deployment steps: infra/README.md.
targetScope = 'resourceGroup'

@description('Environment name, part of every resource name (test, prod…).')
@minLength(2)
@maxLength(8)
param environmentName string

@description('Prefix of resource names (lowercase letters and digits).')
@minLength(3)
@maxLength(10)
param namePrefix string = 'approvals'

@description('Region of every resource.')
param location string = resourceGroup().location

@description('functions: the Functions app (src/Approvals.Functions) on Flex Consumption. containerapps: the ASP.NET Core host (src/Approvals.Host) as a container app, for self-hosting. infra/README.md says when to choose which.')
@allowed([
  'functions'
  'containerapps'
])
param hosting string = 'functions'

@description('False on the first deployment: everything but the app, so that the Key Vault secrets (and the image) exist before the app references them.')
param deployApp bool = true

@description('Image tag in the registry (repository "approvals"); use the commit id, not a moving tag.')
param imageTag string = 'latest'

@description('Engine task hub name (DurableTask:HubName).')
@minLength(3)
@maxLength(40)
param hubName string = 'approvals'

@description('Engine partitions (DurableTask:PartitionCount): one control queue and one KEDA rule each. Fixed for the hub\'s life.')
@minValue(1)
@maxValue(64)
param partitionCount int = 4

@description('Prefix of the pipeline and supervision tables and containers (Approvals:TablePrefix).')
param tablePrefix string = 'approvals'

@description('Container of the timeline anchors (Supervision:AnchorContainer).')
param anchorContainerName string = 'timeline-anchors'

@description('Days an anchored timeline head stays immutable (WORM) after its last append.')
@minValue(1)
param anchorRetentionDays int = 3650

@description('Set to true after locking the anchor container\'s immutability policy (infra/README.md, "Locking the WORM policy").')
param anchorPolicyLocked bool = false

@description('Department ids of the catalogue (src/Approvals.Licensing/Catalogue/Data/departments.*.json): each needs the Key Vault secret Departments--{id}--CallbackSecret.')
param departmentIds array = [
  'service-centre'
  'market-supervision'
  'health'
  'fire-rescue'
  'housing-construction'
  'natural-resources'
  'ecology-environment'
  'public-security'
]

@description('Entra ID tenant that issues the API\'s tokens.')
param entraTenantId string = tenant().tenantId

@description('Accepted token audience: the API app registration\'s application (client) id (v2 tokens carry it as aud).')
param apiAudience string

@description('Key id stamped on licences signed with Licensing--SigningKeyPem; change it when rotating the key.')
param signingKeyId string = 'licence-1'

@description('Administrative division code at the head of case numbers (Approvals:RegionCode), e.g. 310000.')
@minLength(6)
@maxLength(6)
param regionCode string = '310000'

@description('Public base URL of the API (verify links, QR codes); empty: the container app\'s own https FQDN.')
param publicBaseUrl string = ''

@description('Functions: most instances (Flex Consumption, 40–1000).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Functions: memory per instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Functions: always-ready instances for the Durable triggers. 1 or more in production (no cold start for orchestrations and activities); 0 lets the app scale to zero (the platform still wakes it for due timers).')
@minValue(0)
@maxValue(10)
param durableAlwaysReady int = 1

@description('Container Apps: replicas kept running. 1 or more in production: durable timers (time limits, alerts, deemed acceptance) only fire in a running replica. 0 scales to zero (test).')
@minValue(0)
@maxValue(30)
param minReplicas int = 1

@description('Container Apps: replica ceiling. Replicas beyond the partition count only add HTTP capacity: orchestrations and activities run on partition owners.')
@minValue(1)
@maxValue(300)
param maxReplicas int = partitionCount

@description('Storage redundancy.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSku string = 'Standard_ZRS'

@description('Days a deleted Key Vault (and its secrets) stays recoverable; with purge protection the name stays taken as long.')
@minValue(7)
@maxValue(90)
param keyVaultSoftDeleteDays int = 90

@description('Object id of the operator (user or group) who sets the Key Vault secrets; empty grants nothing.')
param operatorPrincipalId string = ''

@description('Further app settings in "__" form, e.g. {"Departments__health__WebhookUrl": "https://…"}. Never secrets.')
param additionalSettings object = {}

@description('Tags on every resource.')
param tags object = {
  app: 'approvals'
  environment: environmentName
}

var suffix = uniqueString(subscription().subscriptionId, resourceGroup().id, environmentName)
var names = {
  identity: 'id-${namePrefix}-${environmentName}'
  storage: take('st${namePrefix}${suffix}', 24)
  keyVault: take('kv-${namePrefix}-${suffix}', 24)
  registry: take('cr${namePrefix}${suffix}', 50)
  workspace: 'log-${namePrefix}-${environmentName}'
  appInsights: 'appi-${namePrefix}-${environmentName}'
  environment: 'cae-${namePrefix}-${environmentName}'
  app: 'ca-${namePrefix}-${environmentName}'
  plan: 'asp-${namePrefix}-${environmentName}'
  functionApp: 'func-${namePrefix}-${environmentName}-${take(suffix, 6)}'
  deploymentContainer: 'app-package-${namePrefix}-${environmentName}'
}

var functions = hosting == 'functions'

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    workspaceName: names.workspace
    appInsightsName: names.appInsights
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: names.storage
    location: location
    tags: tags
    skuName: storageSku
    hubName: hubName
    partitionCount: partitionCount
    tablePrefix: tablePrefix
    anchorContainerName: anchorContainerName
    anchorRetentionDays: anchorRetentionDays
    anchorPolicyLocked: anchorPolicyLocked
    dataPrincipalId: identity.outputs.principalId
    deploymentContainerName: functions ? names.deploymentContainer : ''
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: names.keyVault
    location: location
    tags: tags
    readerPrincipalId: identity.outputs.principalId
    operatorPrincipalId: operatorPrincipalId
    softDeleteRetentionInDays: keyVaultSoftDeleteDays
  }
}

// Only the container app needs an image registry; the Functions app is deployed as a zip package.
module registry 'modules/registry.bicep' = if (!functions) {
  name: 'registry'
  params: {
    name: names.registry
    location: location
    tags: tags
    pullPrincipalId: identity.outputs.principalId
  }
}

// Every plain setting the host reads in Azure, in either host; secrets are Key Vault references inside the modules.
var appSettings = union(additionalSettings, {
  Approvals__TablePrefix: tablePrefix
  Approvals__RegionCode: regionCode
  Supervision__AnchorContainer: anchorContainerName
  Authentication__Schemes__Bearer__Authority: '${environment().authentication.loginEndpoint}${entraTenantId}/v2.0'
  Authentication__Schemes__Bearer__ValidAudiences__0: apiAudience
  Licensing__SigningKeyId: signingKeyId
  Telemetry__Exporter: 'azuremonitor'
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.appInsightsConnectionString
})

// Depends on the key vault and storage modules through their outputs, so their role assignments (read secrets and data)
// exist before the app starts.
module functionApp 'modules/functionapp.bicep' = if (deployApp && functions) {
  name: 'functionapp'
  params: {
    appName: names.functionApp
    planName: names.plan
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    storageBlobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: names.deploymentContainer
    keyVaultUri: keyVault.outputs.uri
    settings: appSettings
    hubName: hubName
    partitionCount: partitionCount
    publicBaseUrl: publicBaseUrl
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    durableAlwaysReady: durableAlwaysReady
  }
}

// Depends on the key vault and registry modules through their outputs, so their role assignments (read secrets, pull
// the image) exist before the first revision starts.
module app 'modules/containerapp.bicep' = if (deployApp && !functions) {
  name: 'containerapp'
  params: {
    environmentName: names.environment
    appName: names.app
    location: location
    tags: tags
    workspaceId: monitoring.outputs.workspaceId
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    registryServer: registry!.outputs.loginServer
    image: '${registry!.outputs.loginServer}/approvals:${imageTag}'
    storageAccountName: storage.outputs.name
    storageBlobEndpoint: storage.outputs.blobEndpoint
    controlQueues: storage.outputs.controlQueues
    keyVaultUri: keyVault.outputs.uri
    departmentIds: departmentIds
    settings: union(appSettings, {
      DurableTask__HubName: hubName
      DurableTask__PartitionCount: string(partitionCount)
    })
    publicBaseUrl: publicBaseUrl
    minReplicas: minReplicas
    maxReplicas: maxReplicas
  }
}

@description('Public URL of the API (empty when deployApp is false).')
output appUrl string = !deployApp ? '' : functions ? functionApp!.outputs.url : app!.outputs.url

@description('Function app name (az functionapp deploy --name); empty for the container app.')
output functionAppName string = deployApp && functions ? functionApp!.outputs.name : ''

@description('Storage account name.')
output storageAccountName string = storage.outputs.name

@description('Key Vault name (set the secrets here).')
output keyVaultName string = keyVault.outputs.name

@description('Client id of the app identity (AZURE_CLIENT_ID).')
output identityClientId string = identity.outputs.clientId

@description('Registry name (az acr build --registry); empty for the Functions app.')
output registryName string = functions ? '' : registry!.outputs.name

@description('Registry login server; empty for the Functions app.')
output registryLoginServer string = functions ? '' : registry!.outputs.loginServer
