using Microsoft.Extensions.Options;
using ReviewPortal.Claude;
using ReviewPortal.Claude.Resilience;
using ReviewPortal.Claude.Simulation;
using ReviewPortal.Web.Infrastructure;
using ReviewPortal.Web.Infrastructure.Database;

namespace ReviewPortal.Web.Features.Connectors;

public static class ConnectorSetup
{
    /// <summary>The Claude clients (live or simulated) and ingestion settings.</summary>
    public static IServiceCollection AddClaudeConnector(this IServiceCollection services, IConfiguration configuration)
    {
        // Before AddClaudeClients, which keeps a budget registered first. Several nodes share a server database and one
        // organization's budget, so they count it there; one embedded process (SQLite), or each node's own simulated
        // organization, counts in memory.
        services.AddSingleton<IClaudeRequestBudget>(sp =>
            sp.GetRequiredService<DatabaseConnection>().Provider.IsServer()
            && sp.GetRequiredService<IOptions<ClaudeOptions>>().Value.Mode == ClaudeMode.Live
                ? ActivatorUtilities.CreateInstance<DatabaseRequestBudget>(sp)
                : ActivatorUtilities.CreateInstance<ClaudeRequestBudget>(sp));
        services.AddClaudeClients(configuration);
        // Demo mode's organization; built only when Claude:Mode is Simulated asks for it.
        services.AddSimulatedClaudeOrganization(configuration);
        services.AddPortalOptions<IngestionOptions>(IngestionOptions.Section);
        return services;
    }
}
