using System.Text.Json;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Connectors;
using ReviewPortal.Web.Infrastructure.Database;

namespace ReviewPortal.Web.Infrastructure.Operations;

/// <summary>
/// Headless verbs of the same executable (`dotnet run --project src/ReviewPortal.Web -- migrate`).
/// Each prints a one-line JSON summary as its last line and exits non-zero on failure.
/// </summary>
public sealed class OperationsCommand
{
    private static readonly Dictionary<string, (string Usage, Func<WebApplication, string[], Task<object>> Run)> Verbs = new()
    {
        ["migrate"] = ("migrate                 apply database migrations for the configured provider (and Hangfire's schema on PostgreSQL), then exit", MigrateAsync),
        ["ingest"] = ("ingest --once           one Activity Feed catch-up run, then one usage catch-up run (same code as the jobs)", IngestAsync),
        ["sync"] = ("sync --once             one directory sync run (same code as the job)", SyncAsync),
        ["import-people"] = ("import-people --csv <file> [--preview]   import the people directory from a CSV file (same code as the Connectors page)", ImportPeopleAsync),
        ["verify-audit"] = ("verify-audit            recompute the audit ledger's hash chain (exit 1 when broken)", VerifyAuditAsync),
        ["export-evidence"] = ("export-evidence --campaign <id> --out <dir>   write a campaign's evidence pack (ZIP)", ExportEvidenceAsync),
        ["rebuild-rollups"] = ("rebuild-rollups         recompute actor resolution, daily rollups and last-active times", RebuildRollupsAsync),
    };

    public string? Verb { get; private init; }

    public bool IsVerb => Verb is not null;
    public string[] VerbArgs { get; private init; } = [];
    public string[] HostArgs { get; private init; } = [];

    /// <summary>The first argument that is not an option is the verb; options before it go to the host.</summary>
    public static OperationsCommand Parse(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            return new OperationsCommand { HostArgs = args };
        }
        var verb = args[0];
        if (verb is "help" or "--help")
        {
            throw new StartupException(Usage());
        }
        if (!Verbs.ContainsKey(verb))
        {
            throw new StartupException($"unknown verb '{verb}'.{Environment.NewLine}{Usage()}");
        }
        var verbArgs = args.Skip(1).ToArray();
        return new OperationsCommand { Verb = verb, VerbArgs = verbArgs, HostArgs = verbArgs };
    }

    public static string Usage() =>
        "usage: ReviewPortal.Web [verb] [options]" + Environment.NewLine +
        "  (no verb)               run the portal" + Environment.NewLine +
        string.Join(Environment.NewLine, Verbs.Values.Select(v => "  " + v.Usage));

    public async Task<int> RunAsync(WebApplication app)
    {
        var started = DateTimeOffset.UtcNow;
        try
        {
            var result = await Verbs[Verb!].Run(app, VerbArgs);
            Summary(new { verb = Verb, ok = true, seconds = Elapsed(started), result });
            return 0;
        }
        catch (Exception ex) when (ex is not StartupException)
        {
            // One clear line for the operator; the stack trace only at Debug level.
            app.Logger.LogError("Verb {Verb} failed: {Reason}", Verb, ex.GetBaseException().Message);
            app.Logger.LogDebug(ex, "Verb {Verb} failure detail", Verb);
            Summary(new { verb = Verb, ok = false, seconds = Elapsed(started), error = ex.GetBaseException().Message });
            return 1;
        }
    }

    private static double Elapsed(DateTimeOffset started) => Math.Round((DateTimeOffset.UtcNow - started).TotalSeconds, 3);

    private static void Summary(object summary) => Console.Out.WriteLine(JsonSerializer.Serialize(summary));

    /// <summary>
    /// The feed, then the usage (after it, so one command brings an organization's evidence up to date). The summary keeps
    /// the feed run's fields at the top and adds the usage run's as <c>usage</c>; either run failing fails the verb.
    /// </summary>
    private static async Task<object> IngestAsync(WebApplication app, string[] args)
    {
        var feed = await RunJobAsync<IngestActivityJob>(app, args, (job, ct) => job.RunAsync(ct));
        var usage = await RunJobAsync<IngestUsageJob>(app, args, (job, ct) => job.RunAsync(ct));
        return new
        {
            feed.status, feed.Pages, feed.Fetched, feed.Stored, feed.Duplicates, feed.Quarantined, feed.FirstCursor, feed.LastCursor, feed.LastRequestId,
            feed.Details, usage,
        };
    }

    private static async Task<object> SyncAsync(WebApplication app, string[] args) =>
        await RunJobAsync<SyncDirectoryJob>(app, args, (job, ct) => job.RunAsync(ct));

    private static async Task<object> VerifyAuditAsync(WebApplication app, string[] args)
    {
        await app.MigrateEmbeddedDatabaseAsync();
        using var scope = app.Services.CreateScope();
        var result = await scope.ServiceProvider.GetRequiredService<Features.Audit.VerifyAuditChain>().VerifyAsync();
        Console.Out.WriteLine(result.Summary);
        return result.Intact ? result : throw new InvalidOperationException(result.Summary);
    }

    private static async Task<object> ExportEvidenceAsync(WebApplication app, string[] args)
    {
        var campaign = int.TryParse(Option(args, "--campaign"), out var id) ? id
            : throw new StartupException("export-evidence needs --campaign <id> (a number) and --out <dir>.");
        var folder = Option(args, "--out") ?? throw new StartupException("export-evidence needs --out <dir>.");
        await app.MigrateEmbeddedDatabaseAsync();
        Directory.CreateDirectory(folder);
        var path = Path.GetFullPath(Path.Combine(folder, $"evidence-campaign-{campaign}.zip"));
        using var scope = app.Services.CreateScope();
        var export = scope.ServiceProvider.GetRequiredService<Features.Audit.ExportEvidencePack>();
        var operatorViewer = new Infrastructure.Auth.Viewer(null, $"operator:{Environment.UserName}",
            new HashSet<string> { Infrastructure.Auth.Roles.Compliance });
        await using (var file = File.Create(path))
        {
            var written = await export.WriteAsync(operatorViewer, campaign, file, $"verb-{Guid.NewGuid():N}");
            var manifest = written.Value ?? throw new InvalidOperationException(written.Refusal!.Message);
            return new { path, manifest.LedgerHeadSequence, manifest.LedgerHeadHash, files = manifest.Files };
        }
    }

    /// <summary>
    /// The admin's CSV import without the browser: every bad row listed by line (exit 1, nothing applied), or what the
    /// file changes; with --preview nothing is written.
    /// </summary>
    private static async Task<object> ImportPeopleAsync(WebApplication app, string[] args)
    {
        var path = Option(args, "--csv") ?? throw new StartupException("import-people needs --csv <file>.");
        if (!File.Exists(path))
        {
            throw new StartupException($"import-people: no file at {Path.GetFullPath(path)}.");
        }
        await app.MigrateEmbeddedDatabaseAsync();
        using var scope = app.Services.CreateScope();
        var import = scope.ServiceProvider.GetRequiredService<Features.People.ImportPeopleCsv>();
        var operatorViewer = new Infrastructure.Auth.Viewer(null, $"operator:{Environment.UserName}",
            new HashSet<string> { Infrastructure.Auth.Roles.Admin });
        using var file = File.OpenText(path);
        var answer = args.Contains("--preview")
            ? await import.PreviewAsync(operatorViewer, file)
            : await import.ApplyAsync(operatorViewer, file, path, $"verb-{Guid.NewGuid():N}");
        var outcome = answer.Value ?? throw new InvalidOperationException(answer.Refusal!.Message);
        foreach (var error in outcome.Errors)
        {
            Console.Out.WriteLine(error);
        }
        if (outcome.Errors.Count > 0)
        {
            throw new InvalidOperationException($"{path}: {outcome.Errors.Count} error(s), nothing imported.");
        }
        if (outcome.Run is { Status: IngestionRunStatus.Blocked } blocked)
        {
            throw new InvalidOperationException(blocked.Error);
        }
        var changes = outcome.Changes!;
        return new
        {
            applied = outcome.Applied, added = changes.New.Count, moved = changes.Moved.Count, departed = changes.Departed.Count,
            returned = changes.Returned.Count, changes.Unchanged,
        };
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static async Task<object> RebuildRollupsAsync(WebApplication app, string[] args)
    {
        await app.MigrateEmbeddedDatabaseAsync();
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<RebuildActivityRollups>().RunAsync();
    }

    private static async Task<RunSummary> RunJobAsync<TJob>(WebApplication app, string[] args,
        Func<TJob, CancellationToken, Task<IngestionRun>> run) where TJob : notnull
    {
        if (!args.Contains("--once"))
        {
            throw new StartupException($"'{typeof(TJob).Name}' runs on its Hangfire schedule inside the portal; pass --once to run it once here.");
        }
        await app.MigrateEmbeddedDatabaseAsync();
        using var scope = app.Services.CreateScope();
        var result = await run(scope.ServiceProvider.GetRequiredService<TJob>(), CancellationToken.None);
        // A blocked directory sync changed nothing: the verb fails, so a deployment script or a cron wrapper notices.
        if (result.Status is IngestionRunStatus.Failed or IngestionRunStatus.Blocked)
        {
            throw new InvalidOperationException(result.Error ?? "run failed");
        }
        return new RunSummary(result.Status.ToString(), result.Pages, result.Fetched, result.Stored, result.Duplicates, result.Quarantined,
            result.FirstCursor, result.LastCursor, result.LastRequestId, result.Details);
    }

    private sealed record RunSummary(string status, int Pages, int Fetched, int Stored, int Duplicates, int Quarantined, string? FirstCursor,
        string? LastCursor, string? LastRequestId, string? Details);

    private static async Task<object> MigrateAsync(WebApplication app, string[] args)
    {
        var migrator = app.Services.GetRequiredService<DatabaseMigrator>();
        var applied = await migrator.MigrateAsync();
        var connection = app.Services.GetRequiredService<DatabaseConnection>();
        var jobSchema = await Jobs.JobsSetup.InstallSchemaAsync(connection);
        return new { provider = connection.Provider.ToString(), applied, jobSchema };
    }
}
