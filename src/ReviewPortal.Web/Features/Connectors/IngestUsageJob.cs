using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Claude;
using ReviewPortal.Claude.Models;
using ReviewPortal.Claude.Resilience;
using ReviewPortal.Web.Components.Shared;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>
/// Usage catch-up (docs/decisions/0015-usage-ingestion-endpoints.md): reads Anthropic's usage reporting one UTC day at a
/// time, per API key and per member or service account in each workspace (the Analytics API, or the legacy usage report
/// for days the Analytics API does not serve), and Claude Code analytics per actor, into <see cref="UsageRollup"/> rows.
/// Each day is read whole before it is stored; then its rows replace what the day held and the cursor (the newest day
/// stored) moves in one transaction, so a crash between days resumes at the next day and a day is never counted twice.
/// The first run reads <see cref="IngestionOptions.UsageBackfillDays"/>; every run reads again the last
/// <see cref="IngestionOptions.UsageRereadDays"/> days, because upstream revises late data. At the end of a run, rows whose
/// subject the directory did not know when they were written are resolved to their identity.
/// Rate limited beyond Claude:MaxRetryAfter, the run ends at once like the feed's (the stored days and the cursor stand).
/// </summary>
public sealed class IngestUsageJob(
    IDbContextFactory<ReviewPortalDbContext> contexts,
    IUsageClient usage,
    DatabaseLease leases,
    ClaudeRateLimitGate rateLimit,
    IngestionOptions options,
    TimeProvider time,
    ILogger<IngestUsageJob> logger)
{
    public const string JobName = "ingest-usage";

    public const string CursorName = "usage";

    /// <summary>A day whose Analytics cursor keeps expiring (410) is read from its first page again at most this many times.</summary>
    public const int MaxRestarts = 3;

    public static readonly JobDescriptor<IngestUsageJob> Descriptor = new()
    {
        Id = JobName,
        Title = "the usage ingestion",
        Lease = TimeSpan.FromMinutes(60),
        Schedule = JobDescriptor.From<IngestionOptions>(o => o.UsageCron),
        RunNowAuditAction = "connector.run-requested",
        RunNowTarget = new("Connector", "IngestUsage"),
        Run = job => job.RunAsync(CancellationToken.None),
    };

    private static readonly UsageSubject[] AllSubjects = [UsageSubject.ApiKey, UsageSubject.Account, UsageSubject.ClaudeCode];

    public async Task<IngestionRun> RunAsync(CancellationToken cancellationToken = default)
    {
        if (rateLimit.LimitedUntil is { } limitedUntil)
        {
            logger.LogInformation("Usage ingestion skipped: the Claude API rate limits the organization until {Until:u}", limitedUntil);
            return new IngestionRun { Job = JobName, Status = IngestionRunStatus.Skipped, StartedAt = time.GetUtcNow() };
        }
        return await leases.RunExclusiveAsync(Descriptor, RunLeasedAsync,
            () => new IngestionRun { Job = JobName, Status = IngestionRunStatus.Skipped, StartedAt = time.GetUtcNow() }, cancellationToken);
    }

    private async Task<IngestionRun> RunLeasedAsync(HeldLease lease)
    {
        var cancellationToken = lease.Token;
        var run = await StartRunAsync(cancellationToken);
        var progress = new UsageProgress();
        try
        {
            var (from, to) = await DaysToReadAsync(run, cancellationToken);
            progress.From = from;
            progress.To = to;
            UsageDirectory directory;
            await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
            {
                directory = await UsageDirectory.LoadAsync(db, cancellationToken);
            }
            for (var day = from; day <= to; day = day.AddDays(1))
            {
                var read = await ReadDayAsync(day, directory, progress, cancellationToken);
                await StoreDayAsync(run, day, read, progress, cancellationToken);
            }
            progress.ResolvedLater = await contexts.WriteAsync((db, ct) => UsageStore.ResolveIdentitiesAsync(db, ct), cancellationToken);
            run.Status = IngestionRunStatus.Succeeded;
        }
        catch (OperationCanceledException) when (lease.IsLost)
        {
            run.Status = IngestionRunStatus.Failed;
            run.Error = "Stopped: the usage ingestion lease was lost (see the log), so another node may run it now.";
            throw;
        }
        catch (ClaudeApiException ex) when (ex.RetryAt is { } until)
        {
            run.Status = IngestionRunStatus.Failed;
            run.Error = MaxLengths.Truncate($"Rate limited by the Claude API until {Humanize.DateTime(until)}: runs before then are skipped, and the " +
                $"next one resumes from the stored cursor. ({ConnectorError.Describe(ex)})", MaxLengths.IngestionRun.Error);
            logger.LogWarning("Usage ingestion run {RunId} ended: rate limited until {Until:u}", run.Id, until);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            run.Status = IngestionRunStatus.Failed;
            run.Error = ConnectorError.Describe(ex);
            logger.LogError(ex, "Usage ingestion run {RunId} failed", run.Id);
            throw;
        }
        finally
        {
            run.Details = progress.ToJson();
            await FinishRunAsync(run);
        }
        return run;
    }

    /// <summary>From the day after the cursor, or the last re-read days if earlier; the first run backfills. Today is read too (it fills over the day).</summary>
    private async Task<(DateOnly From, DateOnly To)> DaysToReadAsync(IngestionRun run, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var cursor = await db.IngestionCursors.AsNoTracking().FirstOrDefaultAsync(c => c.Name == CursorName, cancellationToken);
        run.FirstCursor = cursor?.Cursor;
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var reread = today.AddDays(-(Math.Max(1, options.UsageRereadDays) - 1));
        var from = ParseDay(cursor?.Cursor) is { } stored
            ? (stored.AddDays(1) < reread ? stored.AddDays(1) : reread)
            : today.AddDays(-(Math.Max(1, options.UsageBackfillDays) - 1));
        return (from, today);
    }

    private static DateOnly? ParseDay(string? cursor) =>
        DateOnly.TryParseExact(cursor, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    /// <summary>Whether the Analytics API serves <paramref name="day"/>: from 2026-01-01, at most 365 days back.</summary>
    public static bool AnalyticsServes(DateOnly day, DateOnly today) =>
        day >= UsageClient.AnalyticsFirstDay && day >= today.AddDays(-UsageClient.AnalyticsMaxDaysBack);

    private async Task<UsageRead> ReadDayAsync(DateOnly day, UsageDirectory directory, UsageProgress progress, CancellationToken cancellationToken)
    {
        var read = new UsageRead(day, day, only: null);
        await ReadMessagesAsync(read, directory, progress, cancellationToken);
        await ReadClaudeCodeAsync(read, directory, progress, cancellationToken);
        return read;
    }

    /// <summary>
    /// "Refresh evidence": one subject's Messages usage over the last <paramref name="days"/> days read again, filtered
    /// upstream to that key (<c>api_key_ids[]</c>) or that member or service account (<c>actor_ids[]</c>), and stored in place
    /// of what those days held for it, in one unit of work: a request or two instead of the organization's days. The cursor
    /// and every other subject's rows stay; a run of this job meanwhile replaces rows by the same keys, so nothing is counted
    /// twice. Claude Code analytics cannot be asked for one actor, so its rows stay as the last run stored them.
    /// Returns false, and changes nothing, while the Claude API rate limits the organization.
    /// </summary>
    /// <param name="subject"><see cref="UsageSubject.ApiKey"/> for a key; <see cref="UsageSubject.Account"/> for a member or service account.</param>
    public async Task<bool> RereadAsync(UsageSubject subject, string subjectId, int days, CancellationToken cancellationToken = default)
    {
        if (rateLimit.LimitedUntil is not null)
        {
            return false;
        }
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var read = new UsageRead(today.AddDays(-(days - 1)), today, new UsageRead.Subject(subject, subjectId));
        UsageDirectory directory;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            directory = await UsageDirectory.LoadAsync(db, cancellationToken);
        }
        await ReadMessagesAsync(read, directory, new UsageProgress(), cancellationToken);
        var rows = read.Rows;
        await contexts.WriteAsync((db, ct) => UsageStore.ReplaceSubjectAsync(db, subject, subjectId, read.From, read.To, rows, ct), cancellationToken);
        logger.LogInformation("Usage of {Subject} re-read for {From}..{To}: {Rows} rows", subjectId, read.From, read.To, rows.Count);
        return true;
    }

    /// <summary>
    /// The read's days of Messages usage, per key and per member or service account in each workspace (only its subject's when
    /// it has one), from the Analytics API where it serves them, else from the legacy report.
    /// </summary>
    private async Task ReadMessagesAsync(UsageRead read, UsageDirectory directory, UsageProgress progress, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var start = new DateTimeOffset(read.From.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = new DateTimeOffset(read.To.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var byKey = read.Only is null || read.Only.Kind == UsageSubject.ApiKey;
        var byActor = read.Only is null || read.Only.Kind == UsageSubject.Account;
        IReadOnlyList<string>? keyIds = read.Only is { Kind: UsageSubject.ApiKey } key ? [key.Id] : null;
        IReadOnlyList<string>? actorIds = read.Only is { Kind: UsageSubject.Account } actor ? [actor.Id] : null;
        var analytics = progress.AnalyticsRefused is null && AnalyticsServes(read.From, today);
        if (analytics)
        {
            try
            {
                if (byKey)
                {
                    await ReadAnalyticsAsync(read, new UsageQuery(start, end, ["api_key_id"], options.UsagePageSize) { ApiKeyIds = keyIds },
                        directory, progress, cancellationToken);
                }
                if (byActor)
                {
                    await ReadAnalyticsAsync(read, new UsageQuery(start, end, ["actor", "workspace_id"], options.UsagePageSize)
                    {
                        ActorTypes = ["user_actor", "service_account_actor"], ActorIds = actorIds,
                    }, directory, progress, cancellationToken);
                }
                progress.AnalyticsDays += read.Days;
            }
            catch (ClaudeApiException ex) when (ex.StatusCode == HttpStatusCode.BadRequest)
            {
                // HIPAA-ready organizations (and any other the beta refuses) get a 400: the legacy report still serves them.
                progress.AnalyticsRefused = ex.Summary;
                logger.LogWarning("Usage Analytics API refused the organization ({Reason}); reading the legacy usage report instead", ex.Summary);
                read.Clear();
                analytics = false;
            }
        }
        if (!analytics)
        {
            // The legacy report's daily buckets come at most 31 to a page.
            var buckets = Math.Min(read.Days, 31);
            if (byKey)
            {
                await ReadLegacyAsync(read, new UsageQuery(start, end, ["api_key_id"], buckets) { ApiKeyIds = keyIds }, directory, progress, cancellationToken);
            }
            if (byActor)
            {
                await ReadLegacyAsync(read, new UsageQuery(start, end, ["account_id", "service_account_id", "workspace_id"], buckets) { ActorIds = actorIds },
                    directory, progress, cancellationToken);
            }
            progress.LegacyDays += read.Days;
        }
    }

    /// <summary>Every page of one Analytics query; an expired cursor (410) starts the query again from its first page, its rows read so far dropped.</summary>
    private async Task ReadAnalyticsAsync(UsageRead read, UsageQuery first, UsageDirectory directory, UsageProgress progress,
        CancellationToken cancellationToken)
    {
        var restarts = 0;
        while (true)
        {
            var rows = new List<AnalyticsUsageRow>();
            var query = first;
            try
            {
                while (true)
                {
                    var page = await usage.GetAnalyticsUsageAsync(query, cancellationToken);
                    read.Pages++;
                    read.LastRequestId = page.RequestId ?? read.LastRequestId;
                    rows.AddRange(page.Data);
                    if (!page.HasMore || string.IsNullOrEmpty(page.NextPage))
                    {
                        break;
                    }
                    query = query with { Page = page.NextPage };
                }
            }
            catch (ClaudeApiException ex) when (ex.StatusCode == HttpStatusCode.Gone && restarts < MaxRestarts)
            {
                restarts++;
                progress.Restarts++;
                logger.LogInformation("Usage Analytics cursor expired for {From}..{To} ({Reason}); reading the query again from its first page", read.From,
                    read.To, ex.Summary);
                continue;
            }
            foreach (var row in rows)
            {
                read.Fetched++;
                var day = DateOnly.FromDateTime(row.StartingAt.UtcDateTime);
                var group = row.Group;
                if (group.ApiKeyId is { } keyId)
                {
                    read.Add(day, UsageSubject.ApiKey, keyId, "", directory, row.Usage);
                }
                else if (SubjectOf(group.Actor) is { } subject)
                {
                    read.Add(day, UsageSubject.Account, subject, group.WorkspaceId ?? "", directory, row.Usage);
                }
            }
            return;
        }
    }

    private static string? SubjectOf(UsageActor? actor) => actor?.Type switch
    {
        "user_actor" => actor.UserId,
        "service_account_actor" => actor.ServiceAccountId,
        _ => null,
    };

    private async Task ReadLegacyAsync(UsageRead read, UsageQuery query, UsageDirectory directory, UsageProgress progress, CancellationToken cancellationToken)
    {
        while (true)
        {
            var page = await usage.GetUsageReportAsync(query, cancellationToken);
            read.Pages++;
            read.LastRequestId = page.RequestId ?? read.LastRequestId;
            foreach (var bucket in page.Data)
            {
                var day = DateOnly.FromDateTime(bucket.StartingAt.UtcDateTime);
                foreach (var result in bucket.Results)
                {
                    read.Fetched++;
                    if (query.GroupBy.Contains("api_key_id"))
                    {
                        // Console Playground and Workbench usage has no key.
                        if (result.ApiKeyId is { } keyId)
                        {
                            read.Add(day, UsageSubject.ApiKey, keyId, "", directory, result);
                        }
                    }
                    else if ((result.AccountId ?? result.ServiceAccountId) is { } subject)
                    {
                        read.Add(day, UsageSubject.Account, subject, result.WorkspaceId ?? "", directory, result);
                    }
                }
            }
            if (!page.HasMore || string.IsNullOrEmpty(page.NextPage))
            {
                return;
            }
            query = query with { Page = page.NextPage };
        }
    }

    /// <summary>
    /// Claude Code analytics names a member by email and a key by its name: both are resolved through the directory to the
    /// user_… or apikey_… the row is keyed by. An actor the directory does not know cannot be keyed, so it is counted as
    /// unresolved in the run's details and not stored (the day is read again while it is among the re-read days).
    /// </summary>
    private async Task ReadClaudeCodeAsync(UsageRead read, UsageDirectory directory, UsageProgress progress, CancellationToken cancellationToken)
    {
        string? cursor = null;
        while (true)
        {
            var page = await usage.GetClaudeCodeAsync(read.From, options.UsagePageSize, cursor, cancellationToken);
            read.Pages++;
            read.LastRequestId = page.RequestId ?? read.LastRequestId;
            foreach (var record in page.Data)
            {
                read.Fetched++;
                var subject = record.Actor.Type switch
                {
                    "user_actor" => directory.PersonByEmail(record.Actor.EmailAddress),
                    "api_actor" => record.Actor.ApiKeyId ?? directory.KeyByName(record.Actor.ApiKeyName),
                    _ => null,
                };
                if (subject is null)
                {
                    progress.UnresolvedClaudeCode++;
                    continue;
                }
                read.AddClaudeCode(read.From, subject, directory, record);
            }
            if (!page.HasMore || string.IsNullOrEmpty(page.NextPage))
            {
                return;
            }
            cursor = page.NextPage;
        }
    }

    /// <summary>The day's rows replace what it held, and the cursor moves, in one unit of work.</summary>
    private async Task StoreDayAsync(IngestionRun run, DateOnly day, UsageRead read, UsageProgress progress, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var rows = read.Rows;
        var dayText = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await contexts.WriteAsync(async (db, ct) =>
        {
            await UsageStore.ReplaceDayAsync(db, day, AllSubjects, rows, ct);
            var cursor = await db.IngestionCursors.FindAsync([CursorName], ct);
            if (cursor is null)
            {
                db.IngestionCursors.Add(new IngestionCursor { Name = CursorName, Cursor = dayText, UpdatedAt = now });
            }
            else
            {
                // Re-read days lie behind the cursor: it never moves back.
                if (ParseDay(cursor.Cursor) is not { } stored || stored < day)
                {
                    cursor.Cursor = dayText;
                }
                cursor.UpdatedAt = now;
            }
            var progressed = run.Copy();
            progressed.Record(new IngestedPages(read.Pages, read.Fetched, 0, rows.Count, read.LastRequestId, null));
            progressed.Duplicates = 0;
            progressed.LastCursor = MaxLengths.Truncate(cursor?.Cursor ?? dayText, MaxLengths.IngestionRun.LastCursor);
            db.IngestionRuns.Attach(progressed).State = EntityState.Modified;
        }, cancellationToken);
        run.Record(new IngestedPages(read.Pages, read.Fetched, 0, rows.Count, read.LastRequestId, null));
        // Rows summed from several upstream rows are not duplicates; the feed's column means nothing here.
        run.Duplicates = 0;
        run.LastCursor = ParseDay(run.LastCursor) is { } last && last > day ? run.LastCursor : dayText;
        progress.Days++;
        progress.Rows += rows.Count;
    }

    private async Task<IngestionRun> StartRunAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var run = new IngestionRun { Job = JobName, Status = IngestionRunStatus.Running, StartedAt = time.GetUtcNow() };
        db.IngestionRuns.Add(run);
        await db.SaveChangesAsync(cancellationToken);
        return run;
    }

    private async Task FinishRunAsync(IngestionRun run)
    {
        run.EndedAt = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync();
        db.IngestionRuns.Attach(run).State = EntityState.Modified;
        db.Audit(AuditActor.System(JobName, run.EndedAt.Value, $"ingestion-run-{run.Id}"), "connector.usage-run", run,
            after: new { run.Status, run.Pages, run.Fetched, run.Stored, run.FirstCursor, run.LastCursor, run.LastRequestId, run.Error, run.Details });
        await db.SaveChangesAsync();
    }

    /// <summary>
    /// The rows of the days from <see cref="From"/> to <see cref="To"/> as read, summed per key and day (upstream rows of one key
    /// are disjoint parts of its day). Rows of other days, or of other subjects than <see cref="Only"/>, are not kept: a filter
    /// upstream ignores does not widen what is stored.
    /// </summary>
    private sealed class UsageRead(DateOnly from, DateOnly to, UsageRead.Subject? only)
    {
        public sealed record Subject(UsageSubject Kind, string Id);

        private readonly Dictionary<(UsageSubject, string, string, DateOnly), UsageRollup> _rows = [];

        public DateOnly From { get; } = from;
        public DateOnly To { get; } = to;
        public Subject? Only { get; } = only;
        public int Days => To.DayNumber - From.DayNumber + 1;
        public int Pages { get; set; }
        public int Fetched { get; set; }
        public string? LastRequestId { get; set; }
        public List<UsageRollup> Rows => [.. _rows.Values];

        public void Clear() => _rows.Clear();

        public void Add(DateOnly day, UsageSubject subject, string subjectId, string workspaceId, UsageDirectory directory, UsageMetrics usage)
        {
            if (Row(day, subject, subjectId, workspaceId, directory) is not { } row)
            {
                return;
            }
            row.Requests += usage.Requests;
            row.UncachedInputTokens += usage.UncachedInputTokens;
            row.CacheReadInputTokens += usage.CacheReadInputTokens;
            row.CacheCreationInputTokens += (usage.CacheCreation?.Ephemeral5mInputTokens ?? 0) + (usage.CacheCreation?.Ephemeral1hInputTokens ?? 0);
            row.OutputTokens += usage.OutputTokens;
            row.WebSearchRequests += usage.ServerToolUse?.WebSearchRequests ?? 0;
        }

        public void AddClaudeCode(DateOnly day, string subjectId, UsageDirectory directory, ClaudeCodeRecord record)
        {
            if (Row(day, UsageSubject.ClaudeCode, subjectId, "", directory) is not { } row)
            {
                return;
            }
            var core = record.CoreMetrics;
            row.Sessions += core.NumSessions;
            row.LinesAdded += core.LinesOfCode.Added;
            row.LinesRemoved += core.LinesOfCode.Removed;
            row.Commits += core.CommitsByClaudeCode;
            row.PullRequests += core.PullRequestsByClaudeCode;
            foreach (var model in record.ModelBreakdown)
            {
                // Claude Code's input is the uncached input: cache reads and writes are counted apart, as in the Messages usage.
                row.UncachedInputTokens += model.Tokens.Input;
                row.OutputTokens += model.Tokens.Output;
                row.CacheReadInputTokens += model.Tokens.CacheRead;
                row.CacheCreationInputTokens += model.Tokens.CacheCreation;
            }
        }

        private UsageRollup? Row(DateOnly day, UsageSubject subject, string subjectId, string workspaceId, UsageDirectory directory)
        {
            if (day < From || day > To || (Only is not null && (Only.Kind != subject || Only.Id != subjectId)))
            {
                return null;
            }
            if (!_rows.TryGetValue((subject, subjectId, workspaceId, day), out var row))
            {
                row = new UsageRollup { Subject = subject, SubjectId = subjectId, WorkspaceId = workspaceId, Day = day, IdentityId = directory.IdentityOf(subjectId) };
                _rows[(subject, subjectId, workspaceId, day)] = row;
            }
            return row;
        }
    }

    private sealed class UsageProgress
    {
        public DateOnly From { get; set; }
        public DateOnly To { get; set; }
        public int Days { get; set; }
        public int Rows { get; set; }
        public int AnalyticsDays { get; set; }
        public int LegacyDays { get; set; }
        public int Restarts { get; set; }
        public int UnresolvedClaudeCode { get; set; }
        public int ResolvedLater { get; set; }
        public string? AnalyticsRefused { get; set; }

        public string ToJson() => System.Text.Json.JsonSerializer.Serialize(new
        {
            usage = new { from = From, to = To, days = Days, rows = Rows, analyticsDays = AnalyticsDays, legacyDays = LegacyDays, restarts = Restarts,
                unresolvedClaudeCode = UnresolvedClaudeCode, resolvedLater = ResolvedLater, analyticsRefused = AnalyticsRefused },
        });
    }
}

/// <summary>The directory as the usage rows need it: external id → identity, and Claude Code's email and key name → external id.</summary>
internal sealed class UsageDirectory
{
    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, string> _personByEmail;
    private readonly Dictionary<string, string> _keyByName;

    private UsageDirectory(Dictionary<string, int> ids, Dictionary<string, string> personByEmail, Dictionary<string, string> keyByName)
    {
        _ids = ids;
        _personByEmail = personByEmail;
        _keyByName = keyByName;
    }

    public static async Task<UsageDirectory> LoadAsync(ReviewPortalDbContext db, CancellationToken cancellationToken)
    {
        var identities = await db.Identities.AsNoTracking()
            .Select(i => new { i.Id, i.ExternalId, i.Kind, i.Email, i.DisplayName }).ToListAsync(cancellationToken);
        var ids = new Dictionary<string, int>(identities.Count, StringComparer.Ordinal);
        var emails = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var i in identities)
        {
            ids[i.ExternalId] = i.Id;
            if (i.Kind == IdentityKind.Person && i.Email is { } email && i.ExternalId.StartsWith("user_", StringComparison.Ordinal))
            {
                emails.TryAdd(email, i.ExternalId);
            }
            else if (i.Kind == IdentityKind.ApiKey)
            {
                // Two keys of one name cannot be told apart: the name is kept only when it is unique.
                if (!keys.TryAdd(i.DisplayName, i.ExternalId))
                {
                    keys[i.DisplayName] = "";
                }
            }
        }
        return new UsageDirectory(ids, emails, keys);
    }

    public int? IdentityOf(string externalId) => _ids.TryGetValue(externalId, out var id) ? id : null;

    public string? PersonByEmail(string? email) => email is not null && _personByEmail.TryGetValue(email, out var id) ? id : null;

    public string? KeyByName(string? name) => name is not null && _keyByName.TryGetValue(name, out var id) && id.Length > 0 ? id : null;
}
