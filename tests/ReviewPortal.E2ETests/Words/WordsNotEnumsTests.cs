using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using ReviewPortal.E2ETests.Infrastructure;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.E2ETests.Words;

/// <summary>
/// Issue #15, 7: no enum identifier or JSON object reaches a person. Walks every page of each persona (and the review
/// drawer, a campaign dashboard, the audit explorer, the sign-in and the not-found page), reads the visible text, and
/// fails on a multi-word member name of a domain enum (<c>NoChange</c>, <c>DontKnow</c>, <c>ApiKey</c> …) or on
/// <c>{"</c>; only an explicit "Show JSON" view (marked <c>data-raw-json</c>) may show JSON. Axe runs on each page too.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class WordsNotEnumsTests(AppServer app, BrowserFixture browser) : BrowserTest(app, browser)
{
    private readonly DemoData _data = new(app);

    [GeneratedRegex(@"^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+$")]
    private static partial Regex MultiWordPascal();

    /// <summary>The multi-word member names of every enum of the domain, found by reflection.</summary>
    private static readonly string[] EnumNames = typeof(Identity).Assembly.GetTypes()
        .Where(t => t.IsEnum && t.Namespace == typeof(Identity).Namespace)
        .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => f.Name))
        .Where(n => MultiWordPascal().IsMatch(n))
        .Distinct().Order(StringComparer.Ordinal).ToArray();

    private static readonly Regex Forbidden = new(@"\b(?:" + string.Join('|', EnumNames.Select(Regex.Escape)) + @")\b|\{""", RegexOptions.CultureInvariant);

    /// <summary>The visible text of the page, leaving out hidden elements and the explicit raw-JSON views.</summary>
    private const string VisibleText = """
        () => {
          const out = [];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            const el = n.parentElement;
            if (!el || !n.data.trim() || ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE'].includes(el.tagName)) continue;
            if (el.closest('[data-raw-json]')) continue;
            if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: false })) continue;
            out.push(n.data.trim());
          }
          for (const input of document.querySelectorAll('input, textarea')) {
            if (input.value && input.type !== 'hidden' && input.checkVisibility()) out.push(input.value);
          }
          return out;
        }
        """;

    private readonly List<string> _problems = [];

    [BrowserFact]
    public async Task SignInAndNotFound_ShowWordsOnly_PassAxe()
    {
        // The list really comes from the domain (and a one-word name like Keep is left alone).
        Assert.Contains("NoChange", EnumNames);
        Assert.Contains("DontKnow", EnumNames);
        Assert.Contains("LookCloser", EnumNames);
        Assert.Contains("OrgRole", EnumNames);
        Assert.DoesNotContain("Keep", EnumNames);

        await Page.GotoAsync("/dev/sign-in");
        await BlazorReady.WaitAsync(Page);
        await CheckAsync("/dev/sign-in");
        await Personas.SignInAsAsync(Page, Personas.Manager);
        await Page.GotoAsync("/this-does-not-exist");
        await CheckAsync("/this-does-not-exist");
        AssertNoProblems();
    }

    [BrowserTheory]
    [InlineData(Personas.Manager)]
    [InlineData(Personas.AppOwner)]
    [InlineData(Personas.Compliance)]
    [InlineData(Personas.Admin)]
    [InlineData(Personas.Engineer)]
    public async Task EveryPage_SignedInAsPersona_ShowsWordsNotEnumNamesOrJson_PassesAxe(string persona)
    {
        await Personas.SignInAsAsync(Page, persona);
        var pages = await PortalPages.OfAsync(Page, _data, persona);
        if (persona == Personas.Admin)
        {
            pages.AddRange(await AdminExtrasAsync());
        }

        foreach (var path in pages.Distinct())
        {
            var response = await Page.GotoAsync(path, new() { WaitUntil = WaitUntilState.Load, Timeout = 60_000 });
            Assert.True(response?.Ok, $"{path} answered {response?.Status}");
            if (path == "/hangfire")
            {
                continue; // Hangfire's own dashboard, not the portal's words.
            }
            await BlazorReady.WaitAsync(Page);
            await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
            await CheckAsync(path);
            if (path == "/reviews" && await Page.GetByTestId("open-item").CountAsync() > 0)
            {
                await Page.GetByTestId("open-item").First.ClickAsync();
                await Expect(Page.GetByTestId("item-drawer").GetByTestId("review-item-panel")).ToBeVisibleAsync();
                await Expect(Page.GetByTestId("item-drawer").GetByTestId("evidence-hash")).ToBeVisibleAsync();
                await CheckAsync("/reviews (item drawer open)");
            }
        }

        Assert.True(pages.Count >= 5, $"Walked only {pages.Count} pages.");
        AssertNoProblems();
    }

    /// <summary>Pages where enum-typed data is dense: an API key's identity page and a closed campaign's dashboard.</summary>
    private async Task<List<string>> AdminExtrasAsync()
    {
        var extras = new List<string>();
        var key = await _data.QueryAsync(db => db.Identities.Where(i => i.Kind == IdentityKind.ApiKey).OrderBy(i => i.Id).Select(i => (int?)i.Id).FirstOrDefaultAsync());
        if (key is { } k)
        {
            extras.Add($"/identities/{k}");
        }
        var closed = await _data.QueryAsync(db => db.Campaigns.Where(c => c.Status == CampaignStatus.Closed).OrderBy(c => c.Id).Select(c => (int?)c.Id).FirstOrDefaultAsync());
        if (closed is { } c)
        {
            extras.Add($"/campaigns/{c}");
        }
        return extras;
    }

    private async Task CheckAsync(string where)
    {
        foreach (var text in await Page.EvaluateAsync<string[]>(VisibleText))
        {
            foreach (Match match in Forbidden.Matches(text))
            {
                _problems.Add($"{where}: \"{match.Value}\" in \"{Shorten(text)}\"");
            }
        }
        await Accessibility.WaitForAnimationsAsync(Page);
        try
        {
            await Accessibility.AssertNoSeriousViolationsAsync(Page);
        }
        catch (Xunit.Sdk.XunitException e)
        {
            _problems.Add($"{where}: {e.Message}");
        }
    }

    private void AssertNoProblems() =>
        Assert.True(_problems.Count == 0, $"{_problems.Count} problem(s):{Environment.NewLine}" + string.Join(Environment.NewLine, _problems.Distinct()));

    private static string Shorten(string text) => text.Length <= 160 ? text : text[..160] + "…";
}
