using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using ReviewPortal.E2ETests.Infrastructure;
using ReviewPortal.Web.Features.Audit;

namespace ReviewPortal.E2ETests.Audit;

/// <summary>The auditor's path: filter the ledger to one identity, read their timeline, download and check an evidence pack, verify the chain.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class AuditExplorerTests(AppServer app, BrowserFixture browser) : BrowserTest(app, browser)
{
    private readonly DemoData _data = new(app);

    [GeneratedRegex(@"Intact up to entry (\d+)")]
    private static partial Regex IntactUpTo();

    /// <summary>The text box inside a Mud field, wherever the test id landed.</summary>
    private static async Task<ILocator> InputOfAsync(ILocator field) =>
        await field.EvaluateAsync<string>("e => e.tagName") == "INPUT" ? field : field.Locator("input").First;

    [BrowserFact]
    public async Task Compliance_FiltersLedgerToOneIdentityVerifiesChainAndReadsTimeline_PassesAxe()
    {
        var identityId = await _data.QueryAsync(db => db.AuditEntries.Where(e => e.IdentityId != null)
            .GroupBy(e => e.IdentityId).OrderByDescending(g => g.Count()).Select(g => g.Key!.Value).FirstAsync());
        await Personas.SignInAsAsync(Page, Personas.Compliance);

        // 1. The audit explorer filtered to one identity: every row is about them (as subject or actor).
        await Page.GotoAsync("/audit");
        await BlazorReady.WaitAsync(Page);
        var grid = Page.GetByTestId("audit-grid");
        await Expect(grid).ToBeVisibleAsync();
        // The identity is picked by name or email (issue #15, 10), not typed as a number.
        var identity = await _data.IdentityAsync(identityId);
        var filter = await InputOfAsync(Page.GetByTestId("filter-identity"));
        await filter.ClickAsync();
        await filter.FillAsync(identity.Email ?? identity.DisplayName);
        await Page.GetByRole(AriaRole.Listbox).GetByRole(AriaRole.Option).Filter(new() { HasText = identity.DisplayName }).First.ClickAsync();
        var noise = SearchAuditTrail.SystemNoise.ToArray();
        var expected = await _data.QueryAsync(db => db.AuditEntries.CountAsync(e => (e.IdentityId == identityId || e.ActorId == identityId)
            && (e.ActorId != null || !noise.Contains(e.Action))));
        await Page.GetByTestId("audit-apply").ClickAsync();
        var rows = grid.Locator("tbody tr");
        // The grid re-renders over the circuit: wait for the filtered page (50 rows at most) before reading it.
        await Expect(rows).ToHaveCountAsync(Math.Min(50, expected));
        var sequences = new List<long>();
        foreach (var row in await rows.AllAsync())
        {
            sequences.Add(long.Parse((await row.Locator("td").First.InnerTextAsync()).Trim()));
        }
        Assert.NotEmpty(sequences);
        var concerned = await _data.QueryAsync(db => db.AuditEntries.Where(e => sequences.Contains(e.Sequence))
            .Select(e => new { e.Sequence, e.IdentityId, e.ActorId }).ToListAsync());
        Assert.Equal(sequences.Count, concerned.Count);
        Assert.All(concerned, e => Assert.True(e.IdentityId == identityId || e.ActorId == identityId, $"entry {e.Sequence} is not about {identityId}"));
        await Accessibility.AssertNoSeriousViolationsAsync(Page);

        // 2. The chain verifies up to the current head.
        var headBefore = await _data.QueryAsync(db => db.AuditEntries.MaxAsync(e => e.Sequence));
        await Page.GetByTestId("audit-verify").ClickAsync();
        var verification = Page.GetByTestId("audit-verification");
        await Expect(verification).ToContainTextAsync(IntactUpTo());
        var verifiedUpTo = long.Parse(IntactUpTo().Match(await verification.InnerTextAsync()).Groups[1].Value);
        Assert.True(verifiedUpTo >= headBefore, $"verified up to {verifiedUpTo}, head was {headBefore}");

        // 3. That identity's page shows the timeline straight away for compliance.
        await Page.GotoAsync($"/identities/{identityId}");
        await BlazorReady.WaitAsync(Page);
        var timeline = Page.GetByTestId("identity-timeline");
        await Expect(timeline).ToBeVisibleAsync();
        await Expect(timeline).Not.ToBeEmptyAsync();
        await Expect(Page.GetByTestId("identity-audit-link")).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(Page);

    }

    /// <summary>Passes once the evidence.zip endpoint allows ZipArchive's synchronous flush (see the report; verified with the fix applied).</summary>
    [BrowserFact]
    public async Task Compliance_DownloadsEvidencePack_EveryFileHashMatchesTheManifest()
    {
        var campaignId = await _data.QueryAsync(db => db.Campaigns.OrderBy(c => c.Id).Select(c => c.Id).FirstAsync());
        await Personas.SignInAsAsync(Page, Personas.Compliance);

        await Page.GotoAsync($"/campaigns/{campaignId}");
        await BlazorReady.WaitAsync(Page);
        // The link opens a new tab (target=_blank): the download may arrive on either page.
        var arrived = new TaskCompletionSource<IDownload>(TaskCreationOptions.RunContinuationsAsynchronously);
        Context.Page += (_, popup) => popup.Download += (_, d) => arrived.TrySetResult(d);
        Page.Download += (_, d) => arrived.TrySetResult(d);
        await Page.GetByTestId("download-evidence").ClickAsync();
        var download = await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Null(await download.FailureAsync());
        var path = await download.PathAsync();
        using var zip = ZipFile.OpenRead(path);
        var files = zip.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var s = e.Open();
            using var m = new MemoryStream();
            s.CopyTo(m);
            return m.ToArray();
        });
        Assert.Equal(["decisions.csv", "decisions.json", "evidence-snapshots.json", "manifest.json", "report.html"], files.Keys.Order());
        using var manifest = JsonDocument.Parse(files["manifest.json"]);
        var listed = manifest.RootElement.GetProperty("files").EnumerateArray().ToList();
        Assert.Equal(4, listed.Count);
        foreach (var file in listed)
        {
            var name = file.GetProperty("name").GetString()!;
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(files[name])), file.GetProperty("sha256").GetString());
        }
    }
}
