namespace ReviewPortal.Claude.Simulation;

/// <summary>Shape of the simulated Claude organization used in demo mode: the <c>Claude:Simulation</c> section.</summary>
public sealed class SimulationOptions
{
    public const string Section = "Claude:Simulation";

    public int Seed { get; set; } = 42;
    public int People { get; set; } = 300;
    public int ApiKeys { get; set; } = 40;
    public int ServiceAccounts { get; set; } = 6;
    public int Workspaces { get; set; } = 4;
    public int HistoryDays { get; set; } = 60;

    /// <summary>New events per minute of (simulated) time after start, so the demo stays alive.</summary>
    public int TrickleEventsPerMinute { get; set; } = 3;

    /// <summary>Faults to inject from the start, e.g. <c>["429", "503"]</c> (see <see cref="SimulationFaults.Parse"/>).</summary>
    public List<string> Faults { get; set; } = [];
}
