namespace ReviewPortal.Web.Features.Connectors;

/// <summary>
/// The part of the Activity Feed the reconciliation re-reads, <c>[From, To)</c> by <c>created_at</c>. It starts the
/// overlap before the last reconciliation that completed, not before now: a run every minute re-reads about the
/// overlap, and the first run after an outage re-reads the whole outage plus the overlap, so an event indexed late
/// (behind the cursor) while every run failed is still found. Capped at <see cref="IngestionOptions.MaxReconcileHours"/>.
/// </summary>
public sealed record ReconcileWindow(DateTimeOffset From, DateTimeOffset To, bool Capped)
{
    public static ReconcileWindow For(DateTimeOffset now, DateTimeOffset? reconciledAt, IngestionOptions options)
    {
        // A point ahead of this node's clock (another node's clock, a clock set back) must not shrink the window.
        var since = reconciledAt is { } last && last < now ? last : now;
        var from = since.AddMinutes(-options.OverlapMinutes);
        var earliest = now.AddHours(-options.MaxReconcileHours);
        var to = now.AddSeconds(-options.IndexingLagSeconds);
        return from < earliest ? new ReconcileWindow(earliest, to, Capped: true) : new ReconcileWindow(from, to, Capped: false);
    }
}
