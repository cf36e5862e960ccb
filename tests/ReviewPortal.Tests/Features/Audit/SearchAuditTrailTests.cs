using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Features.Audit;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Tests.Features.Audit;

/// <summary>
/// The audit explorer's free text on SQLite: three or more characters go through the FTS5 trigram index
/// (kept by an insert trigger), shorter text through LIKE. Either way a case-insensitive substring of the
/// target id, the before or the after data, with the text taken literally. Each test marks its own entries.
/// </summary>
public sealed class SearchAuditTrailTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    private static readonly Viewer Compliance = new(null, "compliance", new HashSet<string> { Roles.Compliance });

    private static string Marker() => $"mk{Guid.NewGuid():N}"[..14];

    private async Task AppendAsync(params (string TargetId, string? Before, string? After, int? Campaign)[] entries)
    {
        await using var db = await portal.CreateDbContextAsync();
        foreach (var (targetId, before, after, campaign) in entries)
        {
            db.Audit(new AuditActor(null, "search-test", PortalAppFactory.Now, "search"), "test.search", new AuditTarget("Setting", targetId),
                before, after, campaignId: campaign);
        }
        await db.SaveChangesAsync();
    }

    private async Task<List<string>> SearchAsync(string text, int? campaign = null)
    {
        var page = await portal.GetRequiredService<SearchAuditTrail>()
            .HandleAsync(Compliance, new SearchAuditTrail.Filter { Text = text, CampaignId = campaign }, 0, 200);
        return page.Value!.Rows.Select(r => r.TargetId).ToList();
    }

    [Fact]
    public async Task Text_SubstringOfTargetIdBeforeOrAfter_FindsEachNewestFirst()
    {
        var m = Marker();
        await AppendAsync(
            ($"res-{m}-01", null, null, null),
            ("in-before", $$"""{"old":"x{{m}}y"}""", null, null),
            ("in-after", null, $"prefix {m} suffix", null),
            ("elsewhere", "nothing here", "nor here", null));

        Assert.Equal(["in-after", "in-before", $"res-{m}-01"], await SearchAsync(m));
        Assert.Equal([$"res-{m}-01"], await SearchAsync($"res-{m}-0"));
    }

    [Fact]
    public async Task Text_DifferentCase_StillFound()
    {
        var m = Marker();
        await AppendAsync(("case", null, $"Workspace {m} Admin", null));

        Assert.Equal(["case"], await SearchAsync($"WORKSPACE {m.ToUpperInvariant()} admin"));
        Assert.Equal(["case"], await SearchAsync($"workspace {m}"));
    }

    [Fact]
    public async Task Text_NoEntryContainsIt_ReturnsNothing()
    {
        var m = Marker();
        await AppendAsync(("near-miss", null, $"{m[..^1]} and {m[1..]}", null));

        var page = (await portal.GetRequiredService<SearchAuditTrail>().HandleAsync(Compliance, new SearchAuditTrail.Filter { Text = m }, 0, 50)).Value;

        Assert.Empty(page!.Rows);
        Assert.False(page.HasMore);
    }

    [Fact]
    public async Task Text_AppendedJustNow_FoundByTheNextSearch()
    {
        var m = Marker();
        Assert.Empty(await SearchAsync(m));

        await AppendAsync(("fresh", null, $"granted {m}", null));

        Assert.Equal(["fresh"], await SearchAsync(m));
    }

    [Theory]
    [InlineData("{0} \"hi\"")]
    [InlineData("\"{0}")]
    [InlineData("{0}*")]
    [InlineData("{0} OR zz")]
    [InlineData("{0} AND zz")]
    [InlineData("NOT {0}")]
    [InlineData("NEAR({0} zz)")]
    [InlineData("NEAR({0}")]
    [InlineData("TargetId: {0}")]
    [InlineData("{{{0}}} ^x -y + (z)")]
    [InlineData("'; DROP TABLE AuditEntries; -- {0}")]
    public async Task Text_WithSearchSyntax_TakenLiterally(string format)
    {
        var m = Marker();
        var text = string.Format(System.Globalization.CultureInfo.InvariantCulture, format, m);
        // The decoy holds the marker and every word, but not the literal text: only operator semantics would find it.
        await AppendAsync((m, null, $"{m}abc zz hi x y z DROP TABLE AuditEntries", null), ("literal", null, $"before {text} after", null));

        Assert.Equal(["literal"], await SearchAsync(text));
    }

    [Fact]
    public async Task Text_OneOrTwoCharacters_SubstringWithWildcardsTakenLiterally()
    {
        var campaign = Random.Shared.Next(1_000_000, int.MaxValue);
        await AppendAsync(("a%b", null, null, campaign), ("other", null, "x_y", campaign), ("third", "Q", null, campaign), ("plain", "ab", "xy", campaign));

        Assert.Equal(["a%b"], await SearchAsync("%", campaign));
        Assert.Equal(["other"], await SearchAsync("_y", campaign));
        Assert.Equal(["third"], await SearchAsync("q", campaign));
        Assert.Equal(["plain", "a%b"], await SearchAsync("B", campaign));
    }

    [Fact]
    public async Task Text_WithIdentityFilter_EntriesAboutOrByThatPersonContainingIt()
    {
        var person = Random.Shared.Next(1_000_000, int.MaxValue);
        var m = Marker();
        await using (var db = await portal.CreateDbContextAsync())
        {
            db.Audit(new AuditActor(null, "search-test", PortalAppFactory.Now, "search"), "test.search", new AuditTarget("Setting", "about"),
                after: $"x {m}", identityId: person);
            db.Audit(new AuditActor(person, "Person", PortalAppFactory.Now, "search"), "test.search", new AuditTarget("Setting", "by"),
                after: $"y {m}");
            db.Audit(new AuditActor(null, "search-test", PortalAppFactory.Now, "search"), "test.search", new AuditTarget("Setting", "someone-else"),
                after: $"z {m}", identityId: person + 1);
            db.Audit(new AuditActor(null, "search-test", PortalAppFactory.Now, "search"), "test.search", new AuditTarget("Setting", "no-text"),
                after: "z", identityId: person);
            await db.SaveChangesAsync();
        }

        var page = (await portal.GetRequiredService<SearchAuditTrail>()
            .HandleAsync(Compliance, new SearchAuditTrail.Filter { Text = m, IdentityId = person }, 0, 50)).Value;

        Assert.Equal(["by", "about"], page!.Rows.Select(r => r.TargetId));
    }

    [Fact]
    public async Task Text_WithOtherFilters_Combined()
    {
        var campaign = Random.Shared.Next(1_000_000, int.MaxValue);
        var m = Marker();
        await AppendAsync(("in-campaign", null, $"x {m}", campaign), ("other-campaign", null, $"x {m}", campaign + 1), ("no-text", null, "x", campaign));

        Assert.Equal(["in-campaign"], await SearchAsync(m, campaign));
    }

    [Fact]
    public async Task Text_WithDateWindow_OnlyEntriesInsideIt_NewestFirst()
    {
        // Days far after the other tests' entries (all at Now), appended in time order as the ledger always is.
        var m = Marker();
        var day = PortalAppFactory.Now.AddDays(100);
        await using (var db = await portal.CreateDbContextAsync())
        {
            foreach (var offset in new[] { 0, 5, 10 })
            {
                db.Audit(new AuditActor(null, "search-test", day.AddDays(offset), "search"), "test.search", new AuditTarget("Setting", $"d{offset}"),
                    after: $"dated {m}");
            }
            await db.SaveChangesAsync();
        }

        async Task<List<string>> WithinAsync(int? from, int? to) => (await portal.GetRequiredService<SearchAuditTrail>().HandleAsync(Compliance,
            new SearchAuditTrail.Filter { Text = m, From = from is { } f ? day.AddDays(f) : null, To = to is { } t ? day.AddDays(t) : null }, 0, 50)).Value!
            .Rows.Select(r => r.TargetId).ToList();

        Assert.Equal(["d5"], await WithinAsync(1, 8));
        Assert.Equal(["d10", "d5"], await WithinAsync(5, null));
        Assert.Equal(["d5", "d0"], await WithinAsync(null, 10));
        Assert.Equal(["d10", "d5", "d0"], await WithinAsync(0, 11));
        Assert.Empty(await WithinAsync(11, 20));
        Assert.Empty(await WithinAsync(1, 4));
    }
}
