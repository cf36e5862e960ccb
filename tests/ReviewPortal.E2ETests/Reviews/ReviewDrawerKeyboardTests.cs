using Microsoft.Playwright;
using ReviewPortal.E2ETests.Infrastructure;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.E2ETests.Reviews;

/// <summary>
/// The review drawer for keyboard and screen-reader users (issue #15, 6): focus moves in, stays in, and returns to the
/// row; a skip link reaches the items; decision buttons are named by their label with the shortcut apart; focus rings
/// are strong; page titles take focus without a heavy outline; the justification counts its characters; the "Saved"
/// toast keeps clear of the close button.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ReviewDrawerKeyboardTests(AppServer app, BrowserFixture browser) : BrowserTest(app, browser)
{
    private readonly DemoData _data = new(app);

    private const string IsOpenButton = "el => el.getAttribute('data-testid') === 'open-item'";

    /// <summary>WCAG contrast of the focused element's outline against the first opaque background behind it, and the outline's width.</summary>
    private const string FocusRing = """
        () => {
          const el = document.activeElement;
          const s = getComputedStyle(el);
          const rgb = c => (c.match(/[\d.]+/g) ?? []).map(Number);
          const lum = c => { const [r, g, b] = rgb(c).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
          let bg = 'rgb(255, 255, 255)';
          for (let n = el.parentElement; n; n = n.parentElement) {
            const c = getComputedStyle(n).backgroundColor; const a = rgb(c);
            if (a.length === 3 || (a.length === 4 && a[3] === 1)) { bg = c; break; }
          }
          const [l1, l2] = [lum(s.outlineColor), lum(bg)].sort((x, y) => y - x);
          return { style: s.outlineStyle, width: parseFloat(s.outlineWidth), contrast: (l1 + 0.05) / (l2 + 0.05), color: s.outlineColor, bg };
        }
        """;

    private sealed class Ring
    {
        public string Style { get; set; } = "";
        public double Width { get; set; }
        public double Contrast { get; set; }
        public string Color { get; set; } = "";
        public string Bg { get; set; } = "";
    }

    private async Task<ILocator> OpenReviewsAsync()
    {
        await Personas.SignInAsAsync(Page, Personas.Manager);
        await Page.GotoAsync("/reviews");
        await BlazorReady.WaitAsync(Page);
        var grid = Page.GetByTestId("reviews-grid");
        await Expect(grid.GetByTestId("open-item").First).ToBeVisibleAsync();
        return grid;
    }

    [BrowserFact]
    public async Task Manager_SkipLink_ReachesFirstOpenButton_InThreeKeys()
    {
        var grid = await OpenReviewsAsync();
        var first = grid.GetByTestId("open-item").First;
        var firstName = await first.GetAttributeAsync("aria-label");

        // A skip link comes within the first two Tabs and puts focus on the first item's Open button.
        var tabs = await Keyboard.TabUntilAsync(Page, "el => el.tagName === 'A' && /skip to review items/i.test(el.textContent)", max: 2);
        await Expect(Page.GetByRole(AriaRole.Link, new() { Name = "Skip to review items" })).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(Page);
        await Page.Keyboard.PressAsync("Enter");
        await Expect(grid.GetByRole(AriaRole.Button, new() { Name = firstName, Exact = true })).ToBeFocusedAsync();
        Assert.InRange(tabs, 1, 2);
    }

    [BrowserFact]
    public async Task Manager_OpensItemByKeyboard_FocusMovesIn_TabStaysInside_EscapeReturnsToRow()
    {
        var grid = await OpenReviewsAsync();
        var open = grid.GetByTestId("open-item").Nth(1);
        var name = (await open.GetAttributeAsync("aria-label"))!;
        await open.FocusAsync();
        await Page.Keyboard.PressAsync("Enter");

        var drawer = Page.GetByTestId("item-drawer");
        var panel = drawer.GetByTestId("review-item-panel");
        await Expect(panel).ToBeVisibleAsync();
        var identity = name["Open ".Length..name.LastIndexOf(':')];
        await Expect(panel.GetByRole(AriaRole.Heading, new() { Name = identity, Level = 2 })).ToBeFocusedAsync();
        await Expect(drawer).ToHaveAttributeAsync("aria-modal", "true");

        // Forty Tabs and ten Shift+Tabs never leave the drawer (the grid behind is not reachable).
        var path = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            await Page.Keyboard.PressAsync(i < 40 ? "Tab" : "Shift+Tab");
            path.Add(await Keyboard.DescribeFocusAsync(Page));
            Assert.True(await Page.EvaluateAsync<bool>("() => document.querySelector('[data-testid=item-drawer]').contains(document.activeElement)"),
                $"Tab {i + 1} left the open drawer: focus went {string.Join(" → ", path)}");
        }

        await Page.Keyboard.PressAsync("Escape");
        await Expect(panel).ToHaveCountAsync(0);
        await Expect(grid.GetByRole(AriaRole.Button, new() { Name = name, Exact = true })).ToBeFocusedAsync();
    }

    [BrowserFact]
    public async Task DecisionButtons_ReadTheirLabel_WithTheShortcutApart_AndTheOpenDrawerPassesAxe()
    {
        var grid = await OpenReviewsAsync();
        await grid.GetByTestId("open-item").First.ClickAsync();
        var panel = Page.GetByTestId("item-drawer").GetByTestId("review-item-panel");

        var keep = panel.GetByRole(AriaRole.Button, new() { Name = "Keep", Exact = true });
        var revoke = panel.GetByRole(AriaRole.Button, new() { Name = "Revoke", Exact = true });
        await Expect(keep).ToBeVisibleAsync();
        await Expect(keep).ToHaveAttributeAsync("aria-keyshortcuts", "K");
        await Expect(revoke).ToHaveAttributeAsync("aria-keyshortcuts", "R");
        // The letter is still shown, as a key badge beside the label.
        await Expect(keep.Locator("kbd")).ToHaveTextAsync("K");
        await Expect(keep.Locator("kbd")).ToHaveAttributeAsync("aria-hidden", "true");
        await Accessibility.WaitForAnimationsAsync(Page);
        await Accessibility.AssertNoSeriousViolationsAsync(Page);
    }

    [BrowserFact]
    public async Task FocusRing_OnButtonsAndLinks_IsAtLeast2pxAnd3To1()
    {
        await OpenReviewsAsync();
        await Keyboard.TabUntilAsync(Page, IsOpenButton, max: 60);
        await AssertStrongRingAsync("an Open button");
        await Page.Keyboard.PressAsync("Enter");
        var panel = Page.GetByTestId("item-drawer").GetByTestId("review-item-panel");
        await Expect(panel).ToBeVisibleAsync();
        await Keyboard.TabUntilAsync(Page, "el => el.getAttribute('aria-keyshortcuts') === 'K' || el.getAttribute('data-testid') === 'decide-keep'", max: 40);
        await AssertStrongRingAsync("the Keep button");
        await Keyboard.TabUntilAsync(Page, "el => el.tagName === 'A'", max: 40);
        await AssertStrongRingAsync("a link");
    }

    private async Task AssertStrongRingAsync(string what)
    {
        var ring = await Page.EvaluateAsync<Ring>(FocusRing);
        Assert.True(ring.Style != "none" && ring.Width >= 2 && ring.Contrast >= 3,
            $"The focus ring on {what} is {ring.Style} {ring.Width}px {ring.Color} on {ring.Bg}, contrast {ring.Contrast:0.0}:1 (needs 2px+ and 3:1).");
    }

    [BrowserFact]
    public async Task PageTitle_AfterNavigation_TakesFocus_WithoutAnOutline()
    {
        await OpenReviewsAsync();
        // Followed by keyboard (focus, Enter): then the browser treats the title's focus as keyboard focus.
        await Page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link).First.PressAsync("Enter");
        var h1 = Page.GetByRole(AriaRole.Heading, new() { Level = 1 });
        await Expect(h1).ToBeFocusedAsync();
        await Expect(h1).ToHaveAttributeAsync("tabindex", "-1");
        var ring = await Page.EvaluateAsync<Ring>(FocusRing);
        Assert.True(ring.Style == "none" || ring.Width == 0, $"The focused page title has an outline: {ring.Style} {ring.Width}px {ring.Color}.");
    }

    [BrowserFact]
    public async Task Justification_CountsItsCharacters_AgainstTheValidatorsMaximum()
    {
        var grid = await OpenReviewsAsync();
        await grid.GetByTestId("open-item").First.ClickAsync();
        var panel = Page.GetByTestId("item-drawer").GetByTestId("review-item-panel");
        var max = MaxLengths.ReviewDecision.Justification;
        await Expect(panel.GetByText($"0 / {max}", new() { Exact = true })).ToBeVisibleAsync();
        await panel.GetByRole(AriaRole.Textbox, new() { Name = "Justification" }).FillAsync("Still on the project.");
        await Expect(panel.GetByText($"21 / {max}", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(panel.GetByRole(AriaRole.Textbox, new() { Name = "Justification" })).ToHaveAttributeAsync("maxlength", max.ToString());
    }

    [BrowserFact]
    public async Task SavedToast_DoesNotCoverTheDrawersCloseButton()
    {
        var manager = await _data.PersonaAsync(Personas.Manager);
        // The last Keep-recommended item: keeping it needs no justification, and the other tests take theirs from the front.
        var item = (await _data.UndecidedAsync(manager.IdentityId, Recommendation.Keep))[^1];
        await Personas.SignInAsAsync(Page, Personas.Manager);
        await Page.GotoAsync($"/reviews/{item.Id}");
        await BlazorReady.WaitAsync(Page);
        var drawer = Page.GetByTestId("item-drawer");
        await Expect(drawer.GetByTestId("evidence-hash")).ToHaveTextAsync(item.EvidenceHash);

        await drawer.GetByTestId("decide-keep").ClickAsync();
        var toast = Page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Saved" });
        await Expect(toast).ToBeVisibleAsync();
        await Accessibility.WaitForAnimationsAsync(Page);
        var close = drawer.GetByRole(AriaRole.Button, new() { Name = "Close detail" });
        // Where a reviewer reaches for it: in view (the toast is fixed to the viewport, the button scrolls with the drawer).
        await close.ScrollIntoViewIfNeededAsync();
        await Expect(close).ToBeInViewportAsync();
        var (a, b) = ((await toast.BoundingBoxAsync())!, (await close.BoundingBoxAsync())!);
        var overlap = a.X < b.X + b.Width && b.X < a.X + a.Width && a.Y < b.Y + b.Height && b.Y < a.Y + a.Height;
        Assert.False(overlap, $"The toast ({a.X},{a.Y} {a.Width}x{a.Height}) covers the close button ({b.X},{b.Y} {b.Width}x{b.Height}).");
        Assert.Equal(DecisionOutcome.Keep, (await _data.ItemAsync(item.Id)).Outcome);
    }
}
