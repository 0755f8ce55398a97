// Key Vault for the app's secrets: department callback secrets (Departments--{id}--CallbackSecret) and the e-licence
// signing key (Licensing--SigningKeyPem). RBAC mode: access is role assignments, never access policies. The vault holds
// no secret values after deployment: operators set them (infra/README.md) so that no secret passes through a template.

@description('Vault name (3–24 letters, digits and dashes, globally unique).')
param name string

@description('Region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Principal id of the app identity, granted Key Vault Secrets User (read secret values).')
param readerPrincipalId string

@description('Object id of a user or group that sets the secrets (Key Vault Secrets Officer); empty to grant nothing.')
param operatorPrincipalId string = ''

@description('Days a deleted vault or secret stays recoverable (7–90). Purge protection keeps the name reserved that long.')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int = 90

// Built-in roles: Key Vault Secrets User (get secret values), Key Vault Secrets Officer (manage secrets).
var secretsUserRole = '4633458b-17de-408a-b874-0445c86b69e6'
var secretsOfficerRole = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    // Irreversible once on: a deleted signing key or callback secret can always be recovered within the retention.
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource appReads 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, readerPrincipalId, secretsUserRole)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUserRole)
    principalId: readerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource operatorManages 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(operatorPrincipalId)) {
  name: guid(vault.id, operatorPrincipalId, secretsOfficerRole)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsOfficerRole)
    principalId: operatorPrincipalId
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
