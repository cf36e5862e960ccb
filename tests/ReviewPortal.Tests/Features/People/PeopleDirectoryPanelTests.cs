using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using ReviewPortal.Web.Features.Connectors;
using ReviewPortal.Web.Features.People;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Tests.Features.People;

/// <summary>
/// The Connectors page's people section: a bad file lists its rows by line, a good one previews, then applies exactly that
/// and queues a directory sync.
/// </summary>
public sealed class PeopleDirectoryPanelTests : BunitContext, IAsyncLifetime
{
    private readonly CsvPeoplePortal _portal = new();
    private static readonly Viewer Admin = new(null, "Ada Admin", new HashSet<string> { Roles.Admin });

    public PeopleDirectoryPanelTests()
    {
        // The panel reads a real database on first render and after each upload: bUnit's 1 s default wait is too short on
        // a loaded 2-core machine (a first render missed it at load average 25). A ceiling, not a delay.
        DefaultWaitTimeout = TimeSpan.FromSeconds(15);
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddSingleton(_portal.GetRequiredService<GetPeopleDirectoryStatus>());
        Services.AddSingleton(_portal.GetRequiredService<ImportPeopleCsv>());
        Services.AddSingleton(_portal.GetRequiredService<RunJobNow>());
    }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _portal.DisposeAsync();
    }

    private async Task<int> StoredAsync()
    {
        await using var db = await _portal.CreateDbContextAsync();
        return await db.DirectoryPeople.CountAsync();
    }

    [Fact]
    public async Task BadFileListsRowsByLine_GoodFilePreviewsThenApplies()
    {
        var panel = Render<PeopleDirectoryPanel>(p => p.Add(x => x.Viewer, Admin));
        panel.WaitForAssertion(() => Assert.Contains("CSV import", panel.Find("[data-testid=stat-people-source-value]").TextContent));

        panel.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(
            "email,name\nann@northwind.example,Ann\nnot-an-address,Bob\n", "people.csv"));

        panel.WaitForAssertion(() => Assert.Equal(["Line 3: 'not-an-address' is not an email address."],
            panel.FindAll("[data-testid=people-csv-errors] li").Select(li => li.TextContent)));
        Assert.Empty(panel.FindAll("[data-testid=people-csv-apply]"));

        panel.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(
            "email,name,manager_email\nann@northwind.example,Ann Lead,\nbob@northwind.example,Bob,ann@northwind.example\n", "people.csv"));

        panel.WaitForAssertion(() => Assert.Equal("people.csv: 2 new, 0 moved, 0 departed, 0 returned, 0 unchanged.",
            System.Text.RegularExpressions.Regex.Replace(panel.Find("[data-testid=people-csv-preview]").TextContent, @"\s+", " ").Trim()));
        Assert.Empty(panel.FindAll("[data-testid=people-csv-errors]"));
        Assert.Equal(0, await StoredAsync());

        await panel.Find("[data-testid=people-csv-apply]").ClickAsync(new());

        panel.WaitForAssertion(() => Assert.Equal("2", panel.Find("[data-testid=stat-people-employed-value]").TextContent.Trim()));
        Assert.Equal(2, await StoredAsync());
        Assert.Empty(panel.FindAll("[data-testid=people-csv-preview]"));
        // ... and a directory sync is queued to give Claude's people that context now, asked for by the admin who applied it.
        await using var db = await _portal.CreateDbContextAsync();
        Assert.Equal(["SyncDirectory"], await db.AuditEntries.Where(a => a.Action == "connector.run-requested").Select(a => a.TargetId).ToListAsync());
    }
}
