using System.Diagnostics;
using System.Text.Json;
using ReviewPortal.Benchmarks.Audit;
using ReviewPortal.Benchmarks.Campaign;
using ReviewPortal.Benchmarks.Sync;
using ReviewPortal.Benchmarks.Ingest;
using ReviewPortal.Benchmarks.Ledger;
using ReviewPortal.Benchmarks.Retention;
using ReviewPortal.Benchmarks.Summary;
using ReviewPortal.Benchmarks.Support;
using ReviewPortal.Benchmarks.Usage;

// Macro benchmarks of the Claude connector's ingestion path (not a test project: `dotnet test` never runs this).
//   dotnet run -c Release --project tests/ReviewPortal.Benchmarks -- ingest --events 1000000 --runs 3
//   dotnet run -c Release --project tests/ReviewPortal.Benchmarks -- summary --events 10000000 --identities 50000 --runs 3
//   dotnet run -c Release --project tests/ReviewPortal.Benchmarks -- campaign --identities 50000 --events 10000000 --items 100000 --runs 3
//   dotnet run -c Release --project tests/ReviewPortal.Benchmarks -- audit --entries 1000000 --runs 3
//   dotnet run -c Release --project tests/ReviewPortal.Benchmarks -- directory --people 50000 --keys 20000 --runs 3
//   dotnet run -c Release --project tests/ReviewPortal.Benchmarks -- ledger --ledger 1000000 --entries 100000 --provider both --runs 3
//   dotnet run -c Release --project tests/ReviewPortal.Benchmarks -- usage --keys 20000 --days 90 --runs 3
//   dotnet run -c Release --project tests/ReviewPortal.Benchmarks -- retention --keep-days 30 --ingest 1000000 (after summary --events 10000000)
// With --runs N each run is a separate child process (a clean peak working set per run); the parent prints every
// run and the medians as JSON on stdout. Progress goes to stderr.
// ingest, campaign, ledger and usage take --provider sqlite|postgres|both (PostgreSQL: --postgres "<connection string>" or
// REVIEWPORTAL_BENCH_POSTGRES, a login that may create databases). With both, every run measures SQLite and then
// PostgreSQL back to back, each in its own child process, and reports the two side by side with their ratios.

var args2 = new Args(args);
var json = new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

if (args2.Verb is not ("ingest" or "summary" or "campaign" or "audit" or "ledger" or "directory" or "retention" or "usage"))
{
    Console.Error.WriteLine("""
        verbs:
          ingest  [--events 1000000] [--page-size 5000] [--runs 1] [--dir /tmp/reviewportal-bench] [--keep] [--breakdown] [--warmup 0]
                  [--provider sqlite|postgres|both] [--postgres "<connection string>"]
          summary [--events 10000000] [--identities 50000] [--samples 1000] [--runs 1] [--dir /tmp/reviewportal-bench] [--rebuild]
          campaign [--identities 50000] [--events 10000000] [--items 100000] [--samples 200] [--bulk 1000] [--runs 1] [--breakdown] [--sql] [--rebuild] [--warm-items]
                  [--provider sqlite|postgres|both] [--postgres "<connection string>"]
          directory [--people 50000] [--keys 20000] [--runs 1] [--dir /tmp/reviewportal-bench]
          audit   [--entries 1000000] [--identities 50000] [--items 100000] [--samples 20] [--pairs 200] [--runs 1] [--sql] [--rebuild]
          ledger  [--ledger 1000000] [--entries 100000] [--runs 1] [--dir /tmp/reviewportal-bench] [--rebuild] [--rows-per-insert N]
                  [--provider sqlite|postgres|both] [--postgres "<connection string>"]
          usage   [--keys 20000] [--days 90] [--runs 1] [--dir /tmp/reviewportal-bench] [--keep] [--requests-per-minute N (diagnostic)]
                  [--provider sqlite|postgres|both] [--postgres "<connection string>"]
          retention [--from /tmp/reviewportal-bench/summary-10000000-50000.db] [--keep-days 30] [--ingest 1000000] [--runs 1]
        """);
    return args2.Verb == "help" ? 0 : 2;
}

var runs = args2.Int("runs", 1);
var providers = args2.Verb is "ingest" or "campaign" or "ledger" or "usage" ? BenchDatabase.Providers(args2) : ["sqlite"];
if (!args2.Flag("child"))
{
    // Build (or reuse) the database before any timed child, so no run's peak working set includes the build.
    if (args2.Verb == "campaign")
    {
        foreach (var engine in providers)
        {
            await CampaignBenchmark.EnsureDatabaseAsync(args2.With("provider", engine));
        }
    }
    if (args2.Verb == "audit") await AuditBenchmark.EnsureDatabaseAsync(args2);
    if (args2.Verb == "ledger")
    {
        foreach (var engine in providers)
        {
            await LedgerBenchmark.EnsureDatabaseAsync(args2.With("provider", engine));
        }
    }
}
if (providers.Count > 1 && !args2.Flag("child"))
{
    // Same run, both engines: for each run SQLite then PostgreSQL, back to back, each in its own child process (its own
    // peak working set, JIT and GC state), on the same machine under the same load.
    var results = new List<Dictionary<string, JsonElement>>();
    for (var i = 1; i <= runs; i++)
    {
        var merged = new Dictionary<string, JsonElement>();
        foreach (var engine in providers)
        {
            Progress.Say($"run {i}/{runs}: {engine}");
            foreach (var (key, value) in RunChild(args2.With("provider", engine).With("runs", "1").Raw))
            {
                merged[$"{engine}.{key}"] = value;
            }
        }
        foreach (var key in SameRunRatios(args2.Verb))
        {
            if (merged.TryGetValue($"postgres.{key}", out var pg) && merged.TryGetValue($"sqlite.{key}", out var lite)
                && pg.ValueKind == JsonValueKind.Number && lite.ValueKind == JsonValueKind.Number && lite.GetDouble() != 0)
            {
                merged[$"postgresToSqlite.{key}"] = JsonSerializer.SerializeToElement(Math.Round(pg.GetDouble() / lite.GetDouble(), 3));
            }
        }
        results.Add(merged);
    }
    var medians = results[0].Keys
        .Where(k => results.All(r => r.TryGetValue(k, out var v) && v.ValueKind == JsonValueKind.Number))
        .ToDictionary(k => k, k => Stats.Median(results.Select(r => r[k].GetDouble())));
    Console.WriteLine(JsonSerializer.Serialize(new { machine = Machine.Describe(), command = string.Join(' ', args), runs = results, median = medians }, json));
    return 0;
}
if (runs > 1 && !args2.Flag("child"))
{
    var results = new List<Dictionary<string, JsonElement>>();
    for (var i = 1; i <= runs; i++)
    {
        Progress.Say($"run {i}/{runs}");
        results.Add(RunChild(args2.Raw));
    }
    var medians = results[0].Keys
        .Where(k => results.All(r => r.TryGetValue(k, out var v) && v.ValueKind == JsonValueKind.Number))
        .ToDictionary(k => k, k => Stats.Median(results.Select(r => r[k].GetDouble())));
    Console.WriteLine(JsonSerializer.Serialize(new { machine = Machine.Describe(), command = string.Join(' ', args), runs = results, median = medians }, json));
    return 0;
}

var result = args2.Verb switch
{
    "ingest" => await IngestBenchmark.RunAsync(args2),
    "campaign" => await CampaignBenchmark.RunAsync(args2),
    "audit" => await AuditBenchmark.RunAsync(args2),
    "directory" => await DirectoryBenchmark.RunAsync(args2),
    "ledger" => await LedgerBenchmark.RunAsync(args2),
    "retention" => await RetentionBenchmark.RunAsync(args2),
    "usage" => await UsageBenchmark.RunAsync(args2),
    _ => await SummaryBenchmark.RunAsync(args2),
};
if (!args2.Flag("child"))
{
    result["machine"] = Machine.Describe();
}
Console.WriteLine(JsonSerializer.Serialize(result, args2.Flag("child") ? new JsonSerializerOptions(json) { WriteIndented = false } : json));
return 0;

// The figures compared engine to engine in the same run (PostgreSQL ÷ SQLite).
static string[] SameRunRatios(string verb) => verb switch
{
    "ingest" => ["e2eEventsPerSecond", "e2eEventsPerCpuSecond", "rawRowsPerSecond", "rawRowsPerCpuSecond", "ratio"],
    "ledger" => ["holdSeconds", "saveSeconds", "saveCpuSeconds"],
    "usage" => ["seconds", "rowsPerSecond", "rowsPerCpuSecond", "rerunSeconds"],
    _ => ["launchSeconds", "launchCpuSeconds", "bulkSeconds", "bulkCpuSeconds", "listP95Ms"],
};

static Dictionary<string, JsonElement> RunChild(string[] args)
{
    var self = Environment.ProcessPath!;
    var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
    if (Path.GetFileNameWithoutExtension(self) == "dotnet")
    {
        start.ArgumentList.Add(typeof(IngestBenchmark).Assembly.Location);
    }
    foreach (var arg in args)
    {
        start.ArgumentList.Add(arg);
    }
    start.ArgumentList.Add("--child");
    using var child = Process.Start(start)!;
    var output = child.StandardOutput.ReadToEnd();
    child.WaitForExit();
    if (child.ExitCode != 0)
    {
        throw new InvalidOperationException($"Benchmark run failed with exit code {child.ExitCode}.");
    }
    var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last();
    return JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(line)!;
}
