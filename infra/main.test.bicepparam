// Test environment, serverless (the product's hosting): the Functions app on Flex Consumption, scaling to zero (the
// platform still wakes it for due durable timers), short WORM retention and Key Vault recovery window so that it can be
// torn down. APPROVALS_API_AUDIENCE (required) and APPROVALS_OPERATOR_OBJECT_ID (optional) come from the shell:
// infra/README.md. The self-hosting test environment is main.selfhost.test.bicepparam.
using 'main.bicep'

param environmentName = 'test'
param hosting = 'functions'
param durableAlwaysReady = 0
param maximumInstanceCount = 40
param instanceMemoryMB = 2048
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
