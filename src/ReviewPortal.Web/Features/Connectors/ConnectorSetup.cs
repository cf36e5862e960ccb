using Microsoft.Extensions.Options;
using ReviewPortal.Claude;
using ReviewPortal.Claude.Simulation;
using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Web.Features.Connectors;

public static class ConnectorSetup
{
    /// <summary>The Claude clients (live or simulated), ingestion settings and the HR source.</summary>
    public static IServiceCollection AddClaudeConnector(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddClaudeClients(configuration);
        services.AddSingleton(configuration.GetSection(IngestionOptions.Section).Get<IngestionOptions>() ?? new IngestionOptions());
        services.AddSingleton<DatabaseLease>();
        services.AddSingleton<IHrDirectory>(sp =>
            sp.GetRequiredService<IOptions<ClaudeOptions>>().Value.Mode == ClaudeMode.Simulated
                ? new SimulatedHrDirectory(sp.GetRequiredService<SimulatedOrganization>())
                : new NoHrDirectory());
        return services;
    }
}
