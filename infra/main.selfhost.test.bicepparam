// Test environment, self-hosted: the ASP.NET Core host (src/Approvals.Host) as a container app that scales to zero,
// short WORM retention and Key Vault recovery window so that it can be torn down. Same shell variables as
// main.test.bicepparam (infra/README.md).
using 'main.bicep'

param environmentName = 'selftest'
param hosting = 'containerapps'
param minReplicas = 0
param maxReplicas = 4
param partitionCount = 4
param storageSku = 'Standard_LRS'
param anchorRetentionDays = 1
param keyVaultSoftDeleteDays = 7
param apiAudience = readEnvironmentVariable('APPROVALS_API_AUDIENCE')
param operatorPrincipalId = readEnvironmentVariable('APPROVALS_OPERATOR_OBJECT_ID', '')

// The department directory of the catalogue; the drift test (tests/Approvals.Pipeline.Tests/Infra) keeps them equal.
param departmentIds = [
  'service-centre'
  'market-supervision'
  'health'
  'fire-rescue'
  'housing-construction'
  'natural-resources'
  'ecology-environment'
  'public-security'
]
