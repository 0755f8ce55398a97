// The one identity the app runs as: storage data plane, Key Vault secrets, image pulls and the KEDA queue scaler.
// User-assigned (not system-assigned) so that role assignments exist before the container app is created.

@description('Identity name.')
param name string

@description('Region.')
param location string

@description('Tags for every resource.')
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
