using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using ReviewPortal.E2ETests.Infrastructure;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.E2ETests.Requests;

/// <summary>
/// Issue #15, 5: every refusal of the request form says why, next to its field (the message is the field's accessible
/// description, so a screen reader says it with the field), and a form emptied by a successful submit says nothing.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RequestFormTests(AppServer app, BrowserFixture browser) : BrowserTest(app, browser)
{
    private const string Justification = "Evaluating the new model for the support team's summaries.";
    private const string StartLabel = "Start date (empty = now)";
    private const string DurationLabel = "Duration (days, empty = permanent)";
    private const string JustificationLabel = "Business justification";
    private readonly DemoData _data = new(app);

    private sealed record Requestable(int Id, string Name, string Resource, int? MaxDurationDays)
    {
        public string Option => $"{Name} · {Resource}";
    }

    [BrowserFact]
    public async Task Engineer_PastStartDate_SubmitSaysWhyNextToTheDateAndStoresNothing()
    {
        var (engineer, access) = await RequestableAsync(withLimit: false, skip: 0);
        var before = await RequestsOfAsync(engineer);
        await OpenFormAsync(access);
        await Page.GetByLabel(JustificationLabel, new() { Exact = true }).FillAsync(Justification);
        var yesterday = DateTime.UtcNow.Date.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var start = Page.GetByLabel(StartLabel, new() { Exact = true });
        await start.FillAsync(yesterday);
        await start.PressAsync("Tab");
        await Page.GetByTestId("request-submit").ClickAsync();

        await Expect(start).ToHaveAccessibleDescriptionAsync("The start date cannot be in the past.");
        Assert.Equal(before, await RequestsOfAsync(engineer));
        await Accessibility.AssertNoSeriousViolationsAsync(Page);
    }

    [BrowserFact]
    public async Task Engineer_DurationOverTheAccessLimit_SubmitSaysTheLimitNextToTheDuration()
    {
        var (engineer, access) = await RequestableAsync(withLimit: true, skip: 0);
        var before = await RequestsOfAsync(engineer);
        await OpenFormAsync(access);
        var tooLong = (access.MaxDurationDays!.Value + 1).ToString(CultureInfo.InvariantCulture);

        var duration = Page.GetByLabel(DurationLabel, new() { Exact = true });
        await duration.FillAsync(tooLong);
        await duration.PressAsync("Tab");
        // The circuit has the typed number before anything else renders the form (a render from the justification's
        // keystrokes could otherwise put the old value back into the field).
        await Expect(duration).ToHaveAttributeAsync("aria-valuenow", tooLong);
        await Page.GetByLabel(JustificationLabel, new() { Exact = true }).FillAsync(Justification);
        await Page.GetByTestId("request-submit").ClickAsync();

        // The entitlement's own limit or its approval policy's, whichever is shorter: never more than the entitlement's.
        await Expect(duration).ToHaveAccessibleDescriptionAsync(new Regex($"^{Regex.Escape(access.Name)} can be granted for at most \\d+ days\\.$"));
        Assert.Equal(before, await RequestsOfAsync(engineer));
        await Accessibility.AssertNoSeriousViolationsAsync(Page);
    }

    [BrowserFact]
    public async Task Engineer_NoReasonThenSubmitsWithOne_ReasonAskedForThenTheEmptiedFormShowsNoError()
    {
        var (engineer, access) = await RequestableAsync(withLimit: false, skip: 1);
        var before = await RequestsOfAsync(engineer);
        await OpenFormAsync(access);
        var reason = Page.GetByLabel(JustificationLabel, new() { Exact = true });

        await Page.GetByTestId("request-submit").ClickAsync();
        await Expect(Page.GetByText("Explain the business reason.", new() { Exact = true })).ToBeVisibleAsync();
        Assert.Equal(before, await RequestsOfAsync(engineer));

        await reason.FillAsync(Justification);
        await Page.GetByTestId("request-submit").ClickAsync();

        await Expect(Page.GetByText("Request submitted: your approvers have it now.")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("my-requests").GetByRole(AriaRole.Row).Filter(new() { HasText = access.Option })).ToHaveCountAsync(1);
        Assert.Equal(before + 1, await RequestsOfAsync(engineer));
        await Expect(reason).ToHaveValueAsync("");
        await Expect(Page.GetByText("Explain the business reason.")).ToHaveCountAsync(0);
        await Expect(reason).ToHaveAccessibleDescriptionAsync("What will it be used for, and until when?");
        // The success snackbar is measured once it has faded in.
        await Accessibility.WaitForAnimationsAsync(Page);
        await Accessibility.AssertNoSeriousViolationsAsync(Page);
    }

    private async Task OpenFormAsync(Requestable access)
    {
        await Personas.SignInAsAsync(Page, Personas.Engineer);
        await Page.GotoAsync("/requests");
        await BlazorReady.WaitAsync(Page);
        var field = Page.GetByTestId("request-entitlement");
        await field.ClickAsync();
        await field.PressSequentiallyAsync(access.Name);
        await Page.GetByRole(AriaRole.Listbox).GetByRole(AriaRole.Option, new() { Name = access.Option, Exact = true }).ClickAsync();
        await Expect(field).ToHaveValueAsync(access.Option);
    }

    /// <summary>Access the engineer may ask for: requestable, not held, no request open for it (with a duration limit, or any).</summary>
    private async Task<(int Engineer, Requestable Access)> RequestableAsync(bool withLimit, int skip)
    {
        var engineer = (await _data.PersonaAsync(Personas.Engineer)).IdentityId;
        var access = await _data.QueryAsync(db => db.Entitlements.AsNoTracking()
            .Where(e => e.IsRequestable && e.Resource.ArchivedAt == null && (!withLimit || e.MaxDurationDays != null)
                && !db.Grants.Any(g => g.IdentityId == engineer && g.EntitlementId == e.Id && g.EndedAt == null)
                && !db.AccessRequests.Any(r => r.BeneficiaryId == engineer && r.EntitlementId == e.Id
                    && (r.Status == AccessRequestStatus.Pending || r.Status == AccessRequestStatus.Approved)))
            .OrderBy(e => e.Id).Skip(skip)
            .Select(e => new Requestable(e.Id, e.DisplayName, e.Resource.Name, e.MaxDurationDays)).FirstOrDefaultAsync());
        Assert.True(access is not null, $"The engineer has no requestable access{(withLimit ? " with a duration limit" : "")} to ask for.");
        return (engineer, access);
    }

    private Task<int> RequestsOfAsync(int engineer) => _data.QueryAsync(db => db.AccessRequests.CountAsync(r => r.RequesterId == engineer));
}
