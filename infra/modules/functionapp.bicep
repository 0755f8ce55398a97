// The serverless host: an Azure Functions app on the Flex Consumption plan running the isolated worker
// (src/Approvals.Functions). The Functions host runs the Durable runtime on the storage account with the app identity
// (identity-based AzureWebJobsStorage, no keys); the deployment package lives in a blob container read with the same
// identity; secrets are Key Vault references or, where App Service cannot name the setting, read by the worker from the
// vault (Approvals__KeyVaultUri).

@description('Function app name (globally unique host name <name>.azurewebsites.net).')
param appName string

@description('Flex Consumption plan name.')
param planName string

@description('Region (one where Flex Consumption is offered).')
param location string

@description('Tags for every resource.')
param tags object

@description('User-assigned identity resource id.')
param identityId string

@description('User-assigned identity client id.')
param identityClientId string

@description('Storage account name: AzureWebJobsStorage (identity-based) and the Durable task hub.')
param storageAccountName string

@description('Blob endpoint of the storage account (https://<account>.blob.core.windows.net/).')
param storageBlobEndpoint string

@description('Blob container holding the deployment package (created by the storage module).')
param deploymentContainerName string

@description('Key Vault URI (https://name.vault.azure.net/).')
param keyVaultUri string

@description('Settings that are plain values (name → value), in the "__" form. Never secrets.')
param settings object

@description('Durable task hub name: overrides host.json for the Functions host and is DurableTask__HubName for the code.')
param hubName string

@description('Durable partitions: overrides host.json for the Functions host and is DurableTask__PartitionCount for the code.')
param partitionCount int

@description('Public base URL override (custom domain); empty: the app\'s own https host name.')
param publicBaseUrl string

@description('Most instances the app scales out to (Flex Consumption: 40–1000).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory per instance in MB (Flex Consumption: 512, 2048 or 4096).')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Always-ready instances for the Durable triggers (orchestrations, activities): 0 lets the app scale to zero; the platform still wakes it for due timers and queued work.')
@minValue(0)
@maxValue(10)
param durableAlwaysReady int = 1

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true // Linux
  }
}

var baseUrl = empty(publicBaseUrl) ? 'https://${appName}.azurewebsites.net' : publicBaseUrl

// Plain settings. AzureWebJobsStorage is identity-based (the Functions host reads __accountName/__credential/__clientId;
// the worker derives the account URI from them); AzureFunctionsJobHost__… overrides host.json so that the task hub the
// Functions host runs is the one the deployment declares. No FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION or
// WEBSITE_RUN_FROM_PACKAGE: Flex Consumption takes these from functionAppConfig and refuses them as settings.
var plainSettings = union(settings, {
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AZURE_CLIENT_ID: identityClientId
  AZURE_FUNCTIONS_ENVIRONMENT: 'Production'
  // Client addresses for the per-address rate limits, from the front end's X-Forwarded-For (the worker's Kestrel sits
  // behind the Functions host).
  ASPNETCORE_FORWARDEDHEADERS_ENABLED: 'true'
  DurableTask__HubName: hubName
  DurableTask__PartitionCount: string(partitionCount)
  AzureFunctionsJobHost__extensions__durableTask__hubName: hubName
  AzureFunctionsJobHost__extensions__durableTask__storageProvider__partitionCount: string(partitionCount)
  Approvals__PublicBaseUrl: baseUrl
  // Department callback secrets (Departments--{id}--CallbackSecret): their setting names carry the department ids'
  // dashes, which App Service app setting names cannot, so the worker reads them from this vault at start-up.
  Approvals__KeyVaultUri: keyVaultUri
})

// Key Vault references, resolved by App Service with the user-assigned identity (keyVaultReferenceIdentity).
var vaultSettings = {
  Licensing__SigningKeyPem: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/Licensing--SigningKeyPem)'
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        alwaysReady: durableAlwaysReady > 0
          ? [
              {
                name: 'durable'
                instanceCount: durableAlwaysReady
              }
            ]
          : []
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: map(items(union(plainSettings, vaultSettings)), s => { name: s.key, value: s.value })
    }
  }
}

output name string = app.name
output url string = 'https://${app.properties.defaultHostName}'
output publicBaseUrl string = baseUrl
