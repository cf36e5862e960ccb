using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Email;
using ReviewPortal.Web.Features.People;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.People;

/// <summary>The portal on an empty database with the people directory imported from CSV files and an admin alert address.</summary>
public sealed class CsvPeoplePortal() : PortalAppFactory(seedDemo: false)
{
    public const string AlertsTo = "iam-team@northwind.example";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        var settings = new Dictionary<string, string?> { ["People:Source"] = "Csv", ["Email:AdminAlertsTo"] = AlertsTo };
        UseSettings(builder, settings);
    }
}

/// <summary>An admin's CSV import: the preview says exactly what applying changes; bad files and mass departures change nothing.</summary>
public sealed class ImportPeopleCsvTests : IAsyncLifetime
{
    private readonly CsvPeoplePortal _portal = new();

    private static readonly Viewer Admin = new(null, "Ada Admin", new HashSet<string> { Roles.Admin });
    private static readonly Viewer Compliance = new(null, "Cora Compliance", new HashSet<string> { Roles.Compliance });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    private static string File(params string[] rows) => string.Join("\n", ["email,name,department,title,manager_email,status,left_date", .. rows]);

    private static readonly string[] Team = Enumerable.Range(0, 20)
        .Select(n => $"p{n:00}@northwind.example,Person {n},Sales,Rep,{(n == 0 ? "" : "p00@northwind.example")},active,").ToArray();

    private ImportPeopleCsv Import => _portal.GetRequiredService<ImportPeopleCsv>();

    private async Task<List<string>> StoredAsync()
    {
        await using var db = await _portal.CreateDbContextAsync();
        return await db.DirectoryPeople.AsNoTracking().OrderBy(p => p.SourceId)
            .Select(p => $"{p.SourceId}|{p.FullName}|{p.Department}|{p.Title}|{p.ManagerSourceId}|{p.Employed}|{p.LeftAt}").ToListAsync();
    }

    private static string Ids(IEnumerable<SourcePerson> people) => string.Join(" ", people.Select(p => p.SourceId.Split('@')[0]).Order());

    [Fact]
    public async Task Preview_ThenApply_AppliesExactlyWhatThePreviewShowed()
    {
        Assert.True((await Import.ApplyAsync(Admin, new StringReader(File(Team)), "people.csv", "corr-1")).Value!.Applied);
        _portal.Time.Advance(TimeSpan.FromDays(1));
        // p01 moves to Marketing, p02 left, p03 is absent from the file (gone), p20 is new; the rest unchanged.
        var next = File([.. Team.Where((_, n) => n is not (1 or 2 or 3)),
            "p01@northwind.example,Person 1,Marketing,Rep,p00@northwind.example,active,",
            "p02@northwind.example,Person 2,Sales,Rep,p00@northwind.example,left,2026-11-20",
            "p20@northwind.example,Person 20,Sales,Rep,p00@northwind.example,active,"]);
        var before = await StoredAsync();

        var preview = (await Import.PreviewAsync(Admin, new StringReader(next))).Value!;

        Assert.Equal(before, await StoredAsync());
        var changes = preview.Changes!;
        Assert.Equal("new p20 · moved p01 · departed p02 p03 · unchanged 17", string.Join(" · ",
            $"new {Ids(changes.New)}", $"moved {Ids(changes.Moved)}", $"departed {Ids(changes.Departed)}", $"unchanged {changes.Unchanged}"));

        var applied = (await Import.ApplyAsync(Admin, new StringReader(next), "people.csv", "corr-2")).Value!;

        Assert.True(applied.Applied);
        Assert.Equivalent(changes, applied.Changes);
        var after = await StoredAsync();
        Assert.Equal(21, after.Count);
        Assert.Contains("p01@northwind.example|Person 1|Marketing|Rep|p00@northwind.example|True|", after);
        Assert.Contains($"p02@northwind.example|Person 2|Sales|Rep|p00@northwind.example|False|{new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero)}", after);
        Assert.Contains($"p03@northwind.example|Person 3|Sales|Rep|p00@northwind.example|False|{_portal.Time.GetUtcNow()}", after);
        Assert.Equal(before.Where(p => !p.StartsWith("p01@") && !p.StartsWith("p02@") && !p.StartsWith("p03@")),
            after.Where(p => !p.StartsWith("p01@") && !p.StartsWith("p02@") && !p.StartsWith("p03@") && !p.StartsWith("p20@")));
        await using var db = await _portal.CreateDbContextAsync();
        var audit = await db.AuditEntries.SingleAsync(a => a.CorrelationId == "corr-2");
        Assert.Equal(("people.synced", "Ada Admin"), (audit.Action, audit.Actor));
        Assert.Contains("\"departed\":2", audit.After);
    }

    [Fact]
    public async Task InvalidFile_RefusedWholeWithLineNumbersAndNothingStored()
    {
        var outcome = (await Import.ApplyAsync(Admin, new StringReader(File([.. Team, "broken-address,Somebody,Sales,Rep,,active,"])), "people.csv", "corr-bad")).Value!;

        Assert.False(outcome.Applied);
        Assert.Equal(["Line 22: 'broken-address' is not an email address."], outcome.Errors.Select(e => e.ToString()));
        Assert.Empty(await StoredAsync());
        await using var db = await _portal.CreateDbContextAsync();
        Assert.False(await db.AuditEntries.AnyAsync(a => a.CorrelationId == "corr-bad"));
    }

    [Fact]
    public async Task FileMissingMostPeople_BlockedNothingChangedAdminsAlerted()
    {
        await Import.ApplyAsync(Admin, new StringReader(File(Team)), "people.csv", "corr-1");
        var before = await StoredAsync();

        // A truncated export: 6 of 20 left, so 14 would be marked departed (limit: max(5, 10 % of 20)).
        var outcome = (await Import.ApplyAsync(Admin, new StringReader(File(Team[..6])), "people-truncated.csv", "corr-cut")).Value!;

        Assert.Equal(IngestionRunStatus.Blocked, outcome.Run!.Status);
        Assert.Equal(14, outcome.Changes!.Departed.Count);
        Assert.Equal(before, await StoredAsync());
        await using var db = await _portal.CreateDbContextAsync();
        Assert.Equal("people.sync-blocked", (await db.AuditEntries.SingleAsync(a => a.CorrelationId == "corr-cut")).Action);
        var alert = Assert.Single(await db.OutboxEmails.Where(m => m.DeduplicationKey.StartsWith(OutboxKeys.AdminAlert)).ToListAsync());
        Assert.Equal((CsvPeoplePortal.AlertsTo, "People directory blocked: it would mark 14 of 20 people as leavers"), (alert.To, alert.Subject));
    }

    [Fact]
    public async Task NotAnAdmin_ForbiddenNothingReadOrStored()
    {
        var preview = await Import.PreviewAsync(Compliance, new StringReader(File(Team)));
        var apply = await Import.ApplyAsync(Compliance, new StringReader(File(Team)), "people.csv", "corr-x");

        Assert.Equal((RefusalKind.Forbidden, RefusalKind.Forbidden), (preview.Refusal?.Kind, apply.Refusal?.Kind));
        Assert.Null(apply.Value);
        Assert.Empty(await StoredAsync());
    }
}
