using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Web.Features.People;

/// <summary>Where the organization's people (department, title, manager, employment) come from: <c>People:*</c>.</summary>
public sealed class PeopleOptions
{
    public const string Section = "People";

    /// <summary>
    /// <see cref="PeopleSource.Simulated"/> in demo mode, else <see cref="PeopleSource.None"/> unless set: Entra ID through
    /// Microsoft Graph, or a CSV file an admin imports.
    /// </summary>
    public PeopleSource? Source { get; set; }

    /// <summary>Cron of the Entra ID people sync (default hourly, at minute 50, so the directory sync on the hour reads it fresh).</summary>
    [Cron]
    public string SyncCron { get; set; } = "50 * * * *";

    /// <summary>
    /// A sync or import that would mark more than this share of the employed people departed at once changes nothing and
    /// is blocked: an empty or truncated answer from the directory looks exactly like everyone leaving.
    /// </summary>
    public double MaxDepartedShare { get; set; } = 0.1;
    /// <summary>This many departures at once are never blocked, whatever the share (a small organization's leavers).</summary>
    public int MaxDepartedFloor { get; set; } = 5;

    public GraphOptions Graph { get; set; } = new();

    public sealed class GraphOptions
    {
        /// <summary>Microsoft Graph's root (a setting so tests, and national clouds, point it elsewhere).</summary>
        public string BaseUrl { get; set; } = "https://graph.microsoft.com/v1.0";
    }

    public PeopleSource SourceFor(bool simulatedClaude) => Source ?? (simulatedClaude ? PeopleSource.Simulated : PeopleSource.None);
}

public enum PeopleSource
{
    /// <summary>No people directory: nobody has a manager, department or employment status.</summary>
    None = 0,
    /// <summary>The simulated company of demo mode.</summary>
    Simulated = 1,
    /// <summary>Entra ID users through Microsoft Graph's delta query (application permission User.Read.All).</summary>
    EntraId = 2,
    /// <summary>A CSV file an admin imports (the Connectors page or the <c>import-people</c> verb).</summary>
    Csv = 3,
}
