// Logs and telemetry: a Log Analytics workspace for the Container Apps environment's logs and a
// workspace-based Application Insights resource the app exports OpenTelemetry to (Telemetry:Exporter=azuremonitor).

@description('Workspace name.')
param workspaceName string

@description('Application Insights name.')
param appInsightsName string

@description('Region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Days Log Analytics keeps data (30 is included in the ingestion price).')
@minValue(30)
@maxValue(730)
param retentionInDays int = 30

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
  }
}

output workspaceId string = workspace.id
output appInsightsConnectionString string = appInsights.properties.ConnectionString
