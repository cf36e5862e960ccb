using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ReviewPortal.Claude;
using ReviewPortal.Claude.Resilience;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Features.Connectors;
using ReviewPortal.Web.Infrastructure.Database;

namespace ReviewPortal.Tests.Infrastructure.Database;

/// <summary>
/// The Claude request budget shared through the database, on this suite's engine: several budgets on one database stand
/// for several nodes (each with its own context factory and connections, as separate processes would have). A window of
/// seconds stands for the minute; the budget does not care how long its window is.
/// </summary>
public sealed class DatabaseRequestBudgetTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "reviewportal-tests", Guid.NewGuid().ToString("N"));
    private readonly TestDatabase _database;
    private readonly List<ServiceProvider> _nodes = [];

    public DatabaseRequestBudgetTests()
    {
        Directory.CreateDirectory(_folder);
        _database = TestDatabase.Create(_folder);
        if (_database.Provider == DatabaseProvider.Sqlite)
        {
            // The server databases come migrated (a template); the embedded portal migrates its own file at start-up.
            using var db = Node().GetRequiredService<IDbContextFactory<ReviewPortalDbContext>>().CreateDbContext();
            db.Database.Migrate();
        }
    }

    public void Dispose()
    {
        foreach (var node in _nodes)
        {
            node.Dispose();
        }
        _database.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the folder is under the temp directory.
        }
    }

    /// <summary>The services one node builds from its configuration: the database registration and the Claude connector.</summary>
    private ServiceProvider Node(IDictionary<string, string?>? settings = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(_database.Settings)
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddPortalDatabase(configuration, new TestEnvironment(_folder));
        services.AddClaudeConnector(configuration);
        var node = services.BuildServiceProvider();
        _nodes.Add(node);
        return node;
    }

    private DatabaseRequestBudget Budget(int limit, TimeSpan window)
    {
        var node = Node();
        var options = Options.Create(new ClaudeOptions { RequestsPerMinute = limit });
        return new DatabaseRequestBudget(node.GetRequiredService<IDbContextFactory<ReviewPortalDbContext>>(), options,
            new ServerAnnouncedReset(options, TimeProvider.System, NullLogger<ServerAnnouncedReset>.Instance), TimeProvider.System,
            NullLogger<DatabaseRequestBudget>.Instance, window);
    }

    private async Task<int> PermitRowsAsync()
    {
        await using var db = await Node().GetRequiredService<IDbContextFactory<ReviewPortalDbContext>>().CreateDbContextAsync();
        return await db.ClaudeRequestPermits.CountAsync();
    }

    /// <summary>The largest number of stamps in any window of this length that ends at a stamp (the busiest window there is).</summary>
    private static (int Count, DateTimeOffset End) Busiest(IReadOnlyList<DateTimeOffset> stamps, TimeSpan window)
    {
        var sorted = stamps.Order().ToList();
        var best = (Count: 0, End: DateTimeOffset.MinValue);
        for (int end = 0, start = 0; end < sorted.Count; end++)
        {
            while (sorted[start] <= sorted[end] - window)
            {
                start++;
            }
            if (end - start + 1 > best.Count)
            {
                best = (end - start + 1, sorted[end]);
            }
        }
        return best;
    }

    [Fact]
    public async Task TwoNodes_ConcurrentCallers_NeverMoreThanTheLimitInAnyWindow()
    {
        const int limit = 6;
        var window = TimeSpan.FromSeconds(1.5);
        var budgets = new[] { Budget(limit, window), Budget(limit, window) };
        var granted = new ConcurrentBag<(int Node, DateTimeOffset At)>();
        var until = Stopwatch.StartNew();
        var load = TimeSpan.FromSeconds(5);

        // Four callers per node, each asking again as soon as it got a permit: far more demand than the budget allows.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(caller => Task.Run(async () =>
        {
            var node = caller % 2;
            while (until.Elapsed < load)
            {
                granted.Add((node, await budgets[node].AcquirePermitAsync(CancellationToken.None)));
            }
        })));

        var stamps = granted.Select(g => g.At).ToList();
        var busiest = Busiest(stamps, window);
        Assert.True(busiest.Count <= limit,
            $"{busiest.Count} permits in the {window.TotalSeconds} s window ending {busiest.End:HH:mm:ss.fff} (limit {limit}); {stamps.Count} permits in all.");
        // The limit was actually reached, and both nodes got permits: the test exercised contention, not an idle budget.
        Assert.Equal(limit, busiest.Count);
        Assert.All(new[] { 0, 1 }, node => Assert.Contains(granted, g => g.Node == node));
        // Over 5 s of a 1.5 s window the budget hands out at least three windows' worth (not stalled by its own waits).
        Assert.True(stamps.Count >= 3 * limit, $"Only {stamps.Count} permits in {load.TotalSeconds} s with {limit} per {window.TotalSeconds} s.");
        // Each grant deleted what had left the window, so the table never holds more than one window's permits.
        Assert.InRange(await PermitRowsAsync(), 1, limit);
    }

    [Fact]
    public async Task WindowFull_WaitingCaller_ProceedsOnceTheOldestPermitLeaves()
    {
        var window = TimeSpan.FromSeconds(3);
        var first = Budget(2, window);
        var second = Budget(2, window);
        var oldest = await first.AcquirePermitAsync(CancellationToken.None);
        // Half a window between the two permits, so "the oldest left" and "both left" are 1.5 s apart, not milliseconds.
        await Task.Delay(window / 2);
        var newest = await second.AcquirePermitAsync(CancellationToken.None);

        using var deadline = new CancellationTokenSource(window + TimeSpan.FromSeconds(20));
        var waited = await second.AcquirePermitAsync(deadline.Token);

        Assert.True(waited >= oldest + window,
            $"The third permit was granted at {waited:HH:mm:ss.fff}, before the oldest ({oldest:HH:mm:ss.fff}) left the {window.TotalSeconds} s window.");
        // One permit left the window, one waiting caller got in: it did not wait for the newer permit as well.
        Assert.True(waited < newest + window, $"The third permit ({waited:HH:mm:ss.fff}) waited for the newest permit ({newest:HH:mm:ss.fff}) to leave as well.");
    }

    [Fact]
    public async Task ResetAnnouncedByTheApi_AcquireWaitsForIt()
    {
        var budget = Budget(100, TimeSpan.FromSeconds(60));
        var reset = DateTimeOffset.UtcNow.AddMilliseconds(500);
        using var response = new HttpResponseMessage(HttpStatusCode.OK);
        response.Headers.TryAddWithoutValidation("anthropic-ratelimit-requests-remaining", "0");
        response.Headers.TryAddWithoutValidation("anthropic-ratelimit-requests-reset", ClaudeJson.FormatTimestamp(reset));

        budget.Observe(response);
        await budget.AcquireAsync(CancellationToken.None);

        Assert.True(DateTimeOffset.UtcNow >= reset.AddMilliseconds(-20), "The request went out before the reset the API announced.");
    }

    [Fact]
    public async Task Stamp_IsTheDatabaseClock()
    {
        var before = DateTimeOffset.UtcNow;
        var stamp = await Budget(10, TimeSpan.FromSeconds(60)).AcquirePermitAsync(CancellationToken.None);
        var after = DateTimeOffset.UtcNow;

        // Read as UTC in .NET ticks whatever the engine answers (SQLite: Julian days). Two seconds allow for a database
        // server on another machine; a wrong conversion is off by hours or centuries.
        Assert.InRange(stamp, before.AddSeconds(-2), after.AddSeconds(2));
    }

    [Theory]
    [InlineData("Live")]
    [InlineData("Simulated")]
    public void Registration_ServerDatabaseInLiveMode_SharesTheBudgetThroughTheDatabase(string mode)
    {
        var node = Node(new Dictionary<string, string?>
        {
            ["Claude:Mode"] = mode,
            ["Claude:ComplianceKey"] = "sk-ant-api01-test",
            ["Claude:AdminKey"] = "sk-ant-admin01-test",
        });

        var budget = node.GetRequiredService<IClaudeRequestBudget>();

        var shared = _database.Provider != DatabaseProvider.Sqlite && mode == "Live";
        Assert.IsType(shared ? typeof(DatabaseRequestBudget) : typeof(ClaudeRequestBudget), budget);
    }

    private sealed class TestEnvironment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = Environments.Production;
        public string ApplicationName { get; set; } = "ReviewPortal.Web";
        public string ContentRootPath { get; set; } = root;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
