using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ReviewPortal.E2ETests.Infrastructure;

namespace ReviewPortal.E2ETests.Foundation;

[Collection(BrowserCollection.Name)]
public sealed partial class HomePageTests(AppServer app, BrowserFixture browser) : BrowserTest(app, browser)
{
    private readonly DemoData _data = new(app);

    [BrowserTheory]
    [InlineData(Personas.Manager)]
    [InlineData(Personas.AppOwner)]
    [InlineData(Personas.Compliance)]
    [InlineData(Personas.Admin)]
    [InlineData(Personas.Engineer)]
    public async Task Home_SignedInAsPersona_GreetsByFirstNameShowsRealCountsRoleNavAndPassesAxe(string persona)
    {
        var expected = await _data.PersonaAsync(persona);

        await Page.GotoAsync("/dev/sign-in");
        var buttonText = (await Page.GetByTestId($"persona-{persona}").TextContentAsync())?.Trim() ?? "";
        var fullName = SignInButtonName().Match(buttonText) is { Success: true } m
            ? m.Groups["name"].Value
            : throw new Xunit.Sdk.XunitException($"Persona button text '{buttonText}' is not 'Sign in as <Full Name>'.");
        Assert.Equal(expected.FullName, fullName);

        await Personas.SignInAsAsync(Page, persona);
        await BlazorReady.WaitAsync(Page);

        var firstName = fullName.Split(' ', 2)[0];
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"Welcome, {firstName}");

        switch (persona)
        {
            case Personas.Manager:
                Assert.Equal(await _data.PendingReviewItemsAsync(expected.IdentityId), await PositiveStatAsync("pending-reviews"));
                await PositiveStatAsync("identities");
                await Expect(Page.GetByTestId("stat-audit-entries")).ToHaveCountAsync(0);
                await AssertNavAsync(campaigns: false, audit: false, admin: false);
                break;
            case Personas.AppOwner:
                Assert.Equal(await _data.PendingApprovalsAsync(expected.IdentityId), await PositiveStatAsync("pending-approvals"));
                await Expect(Page.GetByTestId("stat-audit-entries")).ToHaveCountAsync(0);
                await AssertNavAsync(campaigns: false, audit: false, admin: false);
                break;
            case Personas.Compliance:
                await PositiveStatAsync("audit-entries");
                Assert.Equal(await _data.AllIdentitiesAsync(), await PositiveStatAsync("identities"));
                await Expect(Page.GetByTestId("stat-dormant-keys-value")).ToHaveTextAsync(StatNumber());
                await AssertNavAsync(campaigns: true, audit: true, admin: false);
                break;
            case Personas.Admin:
                Assert.Equal(await _data.ActiveCampaignsAsync(), await PositiveStatAsync("open-campaigns"));
                Assert.Equal(await _data.AllIdentitiesAsync(), await PositiveStatAsync("identities"));
                await PositiveStatAsync("audit-entries");
                await AssertNavAsync(campaigns: true, audit: true, admin: true);
                break;
            case Personas.Engineer:
                // A plain signed-in user: the keys they answer for, nothing of the auditors' or admins'.
                await PositiveStatAsync("identities");
                await Expect(Page.GetByTestId("stat-audit-entries")).ToHaveCountAsync(0);
                await AssertNavAsync(campaigns: false, audit: false, admin: false);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(persona), persona, "Unknown persona.");
        }

        await Accessibility.AssertNoSeriousViolationsAsync(Page);
    }

    /// <summary>Reads <c>stat-&lt;name&gt;-value</c>, asserts it is a whole number above zero and returns it.</summary>
    private async Task<int> PositiveStatAsync(string name)
    {
        var value = Page.GetByTestId($"stat-{name}-value");
        await Expect(value).ToHaveTextAsync(StatNumber());
        var text = (await value.TextContentAsync())!.Trim();
        var number = int.Parse(new string(text.Where(char.IsAsciiDigit).ToArray()), CultureInfo.InvariantCulture);
        Assert.True(number > 0, $"stat-{name} shows '{text}', expected a count above zero for this persona.");
        return number;
    }

    private async Task AssertNavAsync(bool campaigns, bool audit, bool admin)
    {
        // Links every signed-in person has: proves the nav has rendered before the absence checks below.
        await Expect(Page.GetByTestId("nav-reviews")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("nav-requests")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("nav-identities")).ToBeVisibleAsync();

        await ExpectPresence("nav-campaigns", campaigns);
        await ExpectPresence("nav-audit", audit);
        await ExpectPresence("nav-admin", admin);
    }

    private async Task ExpectPresence(string testId, bool present)
    {
        var link = Page.GetByTestId(testId);
        if (present)
        {
            await Expect(link).ToBeVisibleAsync();
        }
        else
        {
            await Expect(link).ToHaveCountAsync(0);
        }
    }

    [GeneratedRegex(@"^Sign in as (?<name>\S.*\S)$")]
    private static partial Regex SignInButtonName();

    /// <summary>A formatted whole number such as "7" or "1,204".</summary>
    [GeneratedRegex(@"^\s*\d{1,3}([,.\u00a0\u202f ]?\d{3})*\s*$")]
    private static partial Regex StatNumber();
}
