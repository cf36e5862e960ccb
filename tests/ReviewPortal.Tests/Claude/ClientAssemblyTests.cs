using ReviewPortal.Claude;
using ReviewPortal.Claude.Simulation;

namespace ReviewPortal.Tests.Claude;

/// <summary>The client library a live deployment needs carries no simulation: demo mode plugs it in from its own assembly.</summary>
public sealed class ClientAssemblyTests
{
    [Fact]
    public void ClientLibrary_NeitherHoldsNorReferencesTheSimulation()
    {
        var client = typeof(ComplianceClient).Assembly;

        Assert.DoesNotContain(client.GetTypes(), t => t.Namespace?.StartsWith("ReviewPortal.Claude.Simulation", StringComparison.Ordinal) == true);
        Assert.DoesNotContain(client.GetReferencedAssemblies(), a => a.Name == typeof(SimulatedOrganization).Assembly.GetName().Name);
        Assert.NotEqual(client, typeof(SimulatedOrganization).Assembly);
    }
}
