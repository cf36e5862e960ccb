using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ReviewPortal.Claude.Simulation;

public static class SimulationSetup
{
    /// <summary>
    /// The simulated organization (<c>Claude:Simulation</c>) and its faults, and the transport the Claude clients use in
    /// Simulated mode. Nothing is built until Simulated mode asks for it.
    /// </summary>
    public static IServiceCollection AddSimulatedClaudeOrganization(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SimulationOptions>().Bind(configuration.GetSection(SimulationOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new SimulationFaults(sp.GetRequiredService<IOptions<SimulationOptions>>().Value.Faults));
        services.TryAddSingleton(sp => new SimulatedOrganization(sp.GetRequiredService<IOptions<SimulationOptions>>().Value,
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new SimulatedTransport(() =>
            new SimulatedClaudeHandler(sp.GetRequiredService<SimulatedOrganization>(), sp.GetRequiredService<SimulationFaults>())));
        return services;
    }
}
