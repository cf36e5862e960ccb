using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Identities;
using ReviewPortal.Web.Features.Setup;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Tests.Features.Setup;

/// <summary>
/// The Defaults page through the real handlers: the validator's messages appear next to their fields, the change history
/// says who changed what, and Compliance sees the values without a way to save.
/// </summary>
public sealed class DefaultsPageTests : BunitContext, IAsyncLifetime
{
    private readonly EmptyPortalAppFactory _portal = new();
    private SetupOrg _org = null!;

    public DefaultsPageTests()
    {
        // Reads a real database: bUnit's 1 s default wait is short on a loaded 2-core machine. A ceiling, not a delay.
        DefaultWaitTimeout = TimeSpan.FromSeconds(15);
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddSingleton(_portal.GetRequiredService<GetDefaults>());
        Services.AddSingleton(_portal.GetRequiredService<UpdateDefaults>());
        Services.AddSingleton(_portal.GetRequiredService<GetChangeHistory>());
        Services.AddSingleton(_portal.GetRequiredService<SearchPeople>());
    }

    async Task IAsyncLifetime.InitializeAsync() => _org = await SetupOrg.CreateAsync(_portal);

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _portal.DisposeAsync();
    }

    private IRenderedComponent<DefaultsPage> RenderAs(Identity person, string role)
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, person.DisplayName), new Claim(ClaimTypes.Role, role), new Claim(Viewer.IdentityIdClaim, person.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            "Test"));
        return Render<DefaultsPage>(p => p.AddCascadingValue(Task.FromResult(new AuthenticationState(user))));
    }

    /// <summary>The text of the form control around the field with this test id (its label, value and message).</summary>
    private static string FieldText(IRenderedComponent<DefaultsPage> page, string testId) =>
        page.Find($"[data-testid={testId}]").Closest(".mud-input-control")!.TextContent;

    [Fact]
    public async Task Save_NobodyChosen_EachFieldShowsItsMessageAndNothingIsSaved()
    {
        var page = RenderAs(_org.Org.Admin, Roles.Admin);
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=defaults-save]")));
        Assert.DoesNotContain("Choose a fallback reviewer", page.Markup, StringComparison.Ordinal);

        await page.Find("[data-testid=defaults-save]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Contains("Choose a fallback reviewer: review items nobody else may decide go to them.",
            FieldText(page, "defaults-fallback-reviewer"), StringComparison.Ordinal));
        Assert.Contains("Choose a fallback approver: approval steps nobody else may take, and escalations, go to them.",
            FieldText(page, "defaults-fallback-approver"), StringComparison.Ordinal);
        Assert.DoesNotContain("fallback approver", FieldText(page, "defaults-fallback-reviewer"), StringComparison.Ordinal);
        Assert.Equal(0, (await _portal.GetRequiredService<GetDefaults>().HandleAsync(_org.Admin)).Value!.Version);
        Assert.Single(page.FindAll("[data-testid=change-history-empty]"));
    }

    [Fact]
    public async Task Compliance_SeesTheValuesAndWhoChangedThem_WithoutASaveButton()
    {
        var saved = await _portal.GetRequiredService<UpdateDefaults>().HandleAsync(_org.Admin,
            new UpdateDefaults.Command { FallbackReviewerId = _org.Sam.Id, FallbackApproverId = _org.Pat.Id }, "test");
        Assert.Equal(SetupStatus.Saved, saved.Value?.Status);

        var page = RenderAs(_org.Cora, Roles.Compliance);

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=change-history-entry]")));
        Assert.Single(page.FindAll("[data-testid=defaults-readonly]"));
        Assert.Empty(page.FindAll("[data-testid=defaults-save]"));
        var reviewer = page.Find("[data-testid=defaults-fallback-reviewer]");
        Assert.Equal(_org.Sam.DisplayName, (reviewer.TagName == "INPUT" ? reviewer : reviewer.QuerySelector("input"))!.GetAttribute("value"));
        var entry = string.Join(" ", page.Find("[data-testid=change-history-entry]").Children
            .Select(line => System.Text.RegularExpressions.Regex.Replace(line.TextContent, @"\s+", " ").Trim()));
        Assert.Equal($"2026-11-26 12:00 UTC · {_org.Org.Admin.DisplayName} · Changed the defaults: " +
            $"Fallback reviewer: nobody → {_org.Sam.DisplayName}; Fallback approver: nobody → {_org.Pat.DisplayName}", entry);
    }
}
