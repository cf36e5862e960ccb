using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using ReviewPortal.E2ETests.Infrastructure;
using ReviewPortal.Web.Features.Audit;

namespace ReviewPortal.E2ETests.Audit;

/// <summary>
/// Issue #15, 7 and 10 on the audit list: an identity is picked by name or email (no id to know, no stale "Not a valid
/// number"), the routine job runs are hidden until one click shows them, the list says how many entries match, and a
/// change reads as words before → after with the stored JSON one click away.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class AuditListTests(AppServer app, BrowserFixture browser) : BrowserTest(app, browser)
{
    private readonly DemoData _data = new(app);

    [GeneratedRegex(@"^1–(\d[\d,]*) of (\d[\d,]*)$")]
    private static partial Regex RangeText();

    [BrowserFact]
    public async Task Compliance_PicksAPersonHidesJobRunsReadsCountsAndAChangeInWords_PassesAxe()
    {
        var manager = await _data.IdentityAsync((await _data.PersonaAsync(Personas.Manager)).IdentityId);
        await Personas.SignInAsAsync(Page, Personas.Compliance);
        await Page.GotoAsync("/audit");
        await BlazorReady.WaitAsync(Page);
        var grid = Page.GetByTestId("audit-grid");
        var range = Page.GetByTestId("audit-range");
        // The first page of entries is in: the page has finished loading, so typing is not lost to a re-render.
        await Expect(grid).ToBeVisibleAsync();

        // 1. The manager, picked by email; the list says how many entries are about them (no job run is about a person).
        var picker = Page.GetByTestId("filter-identity");
        await picker.ClickAsync();
        await picker.FillAsync(manager.Email!); // one input event: keystrokes racing the circuit's re-render of the text are not lost
        await Expect(picker).ToHaveValueAsync(manager.Email!);
        await Page.GetByRole(AriaRole.Listbox).GetByRole(AriaRole.Option).Filter(new() { HasText = manager.DisplayName }).First.ClickAsync();
        await Page.GetByTestId("audit-apply").ClickAsync();
        var about = await _data.QueryAsync(db => db.AuditEntries.CountAsync(e => e.IdentityId == manager.Id || e.ActorId == manager.Id));
        Assert.True(about > 0, "The demo ledger has no entry about the manager.");
        await Expect(range).ToHaveTextAsync($"1–{Math.Min(50, about)} of {about.ToString("N0", CultureInfo.InvariantCulture)}");
        await Expect(grid.Locator("tbody tr")).ToHaveCountAsync(Math.Min(50, about));
        await Expect(Page.GetByText("Not a valid number")).ToHaveCountAsync(0);
        await Accessibility.AssertNoSeriousViolationsAsync(Page);

        // 2. The activity feed's per-minute runs: hidden by default, one click shows them (with the count).
        await Page.GotoAsync("/audit");
        await BlazorReady.WaitAsync(Page);
        await Expect(grid).ToBeVisibleAsync();
        var action = Page.GetByLabel("Action starts with");
        await action.FillAsync("connector.activity-run");
        await action.PressAsync("Tab");
        await Page.GetByTestId("audit-apply").ClickAsync();
        await Expect(range).ToHaveTextAsync("No entries");
        var runs = await _data.QueryAsync(db => db.AuditEntries.CountAsync(e => e.Action == "connector.activity-run"));
        Assert.True(runs > 0, "The demo ledger has no activity-feed run.");
        await Page.GetByLabel("Show routine job runs").ClickAsync();
        await Expect(range).ToHaveTextAsync(RangeText());
        var shown = int.Parse(RangeText().Match(await range.InnerTextAsync()).Groups[2].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        // The feed may have run again since the count: at least the counted runs.
        Assert.True(shown >= runs, $"The list says {shown} runs; the ledger had {runs}.");

        // 3. The newest run's change in words (its status a word, no JSON), and its JSON one click away.
        var row = grid.Locator("tbody tr").First;
        var change = row.GetByTestId("audit-change");
        await Expect(change).ToContainTextAsync("Status: Succeeded");
        await Expect(row).Not.ToContainTextAsync("{\"");
        await Accessibility.AssertNoSeriousViolationsAsync(Page);
        await row.GetByTestId("show-json").ClickAsync();
        await Expect(row.GetByTestId("raw-json")).ToContainTextAsync("\"Status\": 1");
        await Expect(row.GetByTestId("show-json")).ToHaveAttributeAsync("aria-expanded", "true");
        await Accessibility.AssertNoSeriousViolationsAsync(Page);
    }
}
