namespace ReviewPortal.Web.Features.Connectors;

/// <summary>
/// The mass-change guard of a sync that is the source of truth for something (the directory sync for grants; the people
/// directory will be one for people). An empty or cut-short upstream answer looks exactly like "everyone left": applied,
/// it closes everything and then verifies every remediation against the void. So a run that would remove more than
/// <see cref="MaxShare"/> of what it governs stops before it changes anything. Up to <see cref="Floor"/> removals always
/// pass, so a small organization can still lose its one grant (a share of a handful is less than one). An admin's
/// approval of a blocked run lets one later run remove as many as that blocked run would have, and no more.
/// </summary>
public sealed record MassChangeGuard(double MaxShare, int Floor)
{
    public static MassChangeGuard ForGrants(IngestionOptions options) => new(options.MaxGrantsClosedShare, options.MaxGrantsClosedFloor);

    /// <param name="total">What the run is the source of truth for now (e.g. the open grants it may close).</param>
    /// <param name="removing">How many of them this run would remove.</param>
    /// <param name="approved">Removals an admin approved for this run (0: none).</param>
    public MassChange Judge(int total, int removing, int approved = 0)
    {
        // decimal: 0.2 × 15 must be exactly 3, not 2.9999… rounded down to 2.
        var byShare = (int)Math.Floor((decimal)Math.Clamp(MaxShare, 0, 1) * total);
        var limit = Math.Max(Math.Max(Floor, byShare), approved);
        return new MassChange(total, removing, limit, Blocked: removing > limit);
    }
}

/// <summary>One run's judged change: of <see cref="Total"/>, it would remove <see cref="Removing"/>; it may remove <see cref="Limit"/>.</summary>
public sealed record MassChange(int Total, int Removing, int Limit, bool Blocked)
{
    public double Share => Total == 0 ? 0 : (double)Removing / Total;
}
