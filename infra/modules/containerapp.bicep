// The Container Apps environment and the app: one container (the ASP.NET Core host running the API and the engine
// worker), settings as environment variables in the Azure Functions "__" shape, secrets as Key Vault references
// resolved with the app identity, KEDA scale rules on the engine's control queues plus HTTP.

@description('Environment name.')
param environmentName string

@description('App name (2–32 lowercase letters, digits and dashes).')
@maxLength(32)
param appName string

@description('Region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Log Analytics workspace resource id (environment logs through diagnostic settings, no shared key).')
param workspaceId string

@description('User-assigned identity resource id.')
param identityId string

@description('User-assigned identity client id (AZURE_CLIENT_ID: DefaultAzureCredential picks this identity).')
param identityClientId string

@description('Registry login server.')
param registryServer string

@description('Image reference, e.g. myregistry.azurecr.io/approvals:1a2b3c4.')
param image string

@description('Storage account name (KEDA scaler).')
param storageAccountName string

@description('Blob endpoint of the storage account: the AzureWebJobsStorage value (account URI, managed identity).')
param storageBlobEndpoint string

@description('Control queue names, one per engine partition.')
param controlQueues array

@description('Key Vault URI (https://name.vault.azure.net/).')
param keyVaultUri string

@description('Department ids: one Key Vault secret reference each.')
param departmentIds array

@description('Settings that are plain values (name → value).')
param settings object

@description('Public base URL override (custom domain); empty: the app\'s own FQDN.')
param publicBaseUrl string

@minValue(0)
@maxValue(30)
param minReplicas int

@minValue(1)
@maxValue(300)
param maxReplicas int

@description('Concurrent HTTP requests per replica before the HTTP rule adds one.')
param httpConcurrency int = 50

@description('vCPU per replica (with memory = 2 GiB per vCPU on the consumption profile).')
param cpu string = '0.5'

@description('Memory per replica.')
param memory string = '1Gi'

resource environment 'Microsoft.App/managedEnvironments@2025-01-01' = {
  name: environmentName
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'azure-monitor'
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
    ]
  }
}

resource environmentLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: environment
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
  }
}

var baseUrl = empty(publicBaseUrl) ? 'https://${appName}.${environment.properties.defaultDomain}' : publicBaseUrl

// Settings whose values live in Key Vault. The secret name is the setting name with "--" for "__" (Key Vault allows
// neither "_" nor ":"); the container app secret is its lowercase form with "-".
var vaultSettings = concat(map(departmentIds, id => 'Departments__${id}__CallbackSecret'), [
  'Licensing__SigningKeyPem'
])
var vaultSecrets = [
  for setting in vaultSettings: {
    name: toLower(replace(setting, '__', '-'))
    keyVaultUrl: '${keyVaultUri}secrets/${replace(setting, '__', '--')}'
    identity: identityId
  }
]
var vaultEnv = [
  for setting in vaultSettings: {
    name: setting
    secretRef: toLower(replace(setting, '__', '-'))
  }
]
var plainEnv = concat(map(items(settings), s => { name: s.key, value: s.value }), [
  { name: 'ASPNETCORE_ENVIRONMENT', value: 'Production' }
  // The ingress is a proxy: client addresses (per-address rate limits) and https come from X-Forwarded-* headers.
  { name: 'ASPNETCORE_FORWARDEDHEADERS_ENABLED', value: 'true' }
  { name: 'AzureWebJobsStorage', value: storageBlobEndpoint }
  { name: 'AZURE_CLIENT_ID', value: identityClientId }
  { name: 'Approvals__PublicBaseUrl', value: baseUrl }
])

var queueRules = [
  for q in controlQueues: {
    name: q
    azureQueue: {
      accountName: storageAccountName
      queueName: q
      queueLength: 1
      identity: identityId
    }
  }
]

resource app 'Microsoft.App/containerApps@2025-01-01' = {
  name: appName
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: environment.id
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: 8080
        transport: 'auto'
        allowInsecure: false
      }
      registries: [
        {
          server: registryServer
          identity: identityId
        }
      ]
      secrets: vaultSecrets
    }
    template: {
      containers: [
        {
          name: 'approvals'
          image: image
          resources: {
            cpu: json(cpu)
            memory: memory
          }
          env: concat(plainEnv, vaultEnv)
          probes: [
            {
              // Gives a cold start (scale from zero) time to start the host before liveness counts.
              type: 'Startup'
              httpGet: {
                path: '/healthz'
                port: 8080
              }
              periodSeconds: 2
              failureThreshold: 30
            }
            {
              type: 'Liveness'
              httpGet: {
                path: '/healthz'
                port: 8080
              }
              periodSeconds: 10
              failureThreshold: 3
            }
            {
              type: 'Readiness'
              httpGet: {
                path: '/readyz'
                port: 8080
              }
              periodSeconds: 5
              failureThreshold: 3
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: concat(
          [
            {
              name: 'http'
              http: {
                metadata: {
                  concurrentRequests: string(httpConcurrency)
                }
              }
            }
          ],
          queueRules
        )
      }
    }
  }
}

output url string = 'https://${app.properties.configuration.ingress.fqdn}'
output publicBaseUrl string = baseUrl
