namespace ReviewPortal.Web.Domain;

/// <summary>One run of a connector job, kept as completeness evidence (what was asked, what was stored).</summary>
public class IngestionRun
{
    public long Id { get; set; }
    public required string Job { get; set; }
    public IngestionRunStatus Status { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public int Pages { get; set; }
    public int Fetched { get; set; }
    public int Stored { get; set; }
    public int Duplicates { get; set; }
    public int Quarantined { get; set; }
    public string? FirstCursor { get; set; }
    public string? LastCursor { get; set; }
    public string? LastRequestId { get; set; }
    public DateTimeOffset? NewestEventAt { get; set; }
    public string? Error { get; set; }
    /// <summary>Directory sync: grants opened / closed and identities touched, as JSON.</summary>
    public string? Details { get; set; }

    /// <summary>Counts pages of the Activity Feed stored in one unit of work.</summary>
    public void Record(IngestedPages page)
    {
        Pages += page.Pages;
        Fetched += page.Records + page.Malformed;
        Stored += page.Stored;
        Duplicates += page.Records - page.Stored;
        Quarantined += page.Malformed;
        // The request-id header is the API's, of any length: kept for support, shortened visibly if it must be.
        LastRequestId = MaxLengths.Truncate(page.RequestId, MaxLengths.IngestionRun.LastRequestId) ?? LastRequestId;
        if (page.NewestEventAt is { } newest && (NewestEventAt is not { } known || newest > known))
        {
            NewestEventAt = newest;
        }
    }

    /// <summary>A detached copy, for saving progress inside a unit of work that may still be retried or rolled back.</summary>
    public IngestionRun Copy() => (IngestionRun)MemberwiseClone();
}

/// <summary>
/// What pages of the Activity Feed stored together brought: well-formed records, malformed ones, how many were new, and
/// the last page's request id.
/// </summary>
public sealed record IngestedPages(int Pages, int Records, int Malformed, int Stored, string? RequestId, DateTimeOffset? NewestEventAt);

public enum IngestionRunStatus
{
    Running = 0,
    Succeeded = 1,
    Failed = 2,
    Skipped = 3,
    /// <summary>Stopped by a guard before changing anything (a directory sync that would close too many grants).</summary>
    Blocked = 4,
}

/// <summary>Where the Activity Feed catch-up stands; moved in the same transaction as the stored page.</summary>
public class IngestionCursor
{
    public required string Name { get; set; }
    public string? Cursor { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? BackfillFrom { get; set; }
    /// <summary>
    /// When the last reconciliation that completed read the feed. The next one re-reads from the overlap before it, so
    /// runs that failed in between (an outage) leave no window unread. Moved only when a reconciliation completes.
    /// </summary>
    public DateTimeOffset? ReconciledAt { get; set; }
}

/// <summary>A feed record that could not be used, kept raw with the reason; the run goes on.</summary>
public class QuarantinedRecord
{
    public long Id { get; set; }
    public long IngestionRunId { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public required string Reason { get; set; }
    public required string RawJson { get; set; }
}

/// <summary>
/// A named lease in the app database so a job never runs twice at once, across nodes and
/// across Hangfire storages (in-memory storage has no cross-process lock).
/// </summary>
public class JobLease
{
    public required string Name { get; set; }
    public required string Holder { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>
/// One request to the Claude API that some node was allowed to send, stamped with the database's clock: the rows of
/// the trailing minute are the organization's spent request budget, shared by every node (DatabaseRequestBudget).
/// </summary>
public class ClaudeRequestPermit
{
    public long Id { get; set; }
    public DateTimeOffset GrantedAt { get; set; }

    /// <summary>Which process sent it (machine:pid), for an operator asking who spends the budget.</summary>
    public required string Node { get; set; }
}
