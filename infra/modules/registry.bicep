// The image registry. No admin user: `az acr build` pushes with the operator's Entra identity and the app pulls
// with its managed identity (AcrPull).

@description('Registry name (5–50 letters and digits, globally unique).')
param name string

@description('Region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Principal id of the app identity, granted AcrPull.')
param pullPrincipalId string

// Built-in role: AcrPull.
var acrPullRole = '7f951dda-4ed3-4680-a7ca-43fe172d538d'

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Basic'
  }
  properties: {
    adminUserEnabled: false
  }
}

resource pull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, pullPrincipalId, acrPullRole)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPullRole)
    principalId: pullPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output name string = registry.name
output loginServer string = registry.properties.loginServer
