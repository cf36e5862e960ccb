using ReviewPortal.Tests.Features.Campaigns;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Requests;

namespace ReviewPortal.Tests.Features.Requests;

/// <summary>
/// Bad input gets one clear message on the field at fault, and nothing is stored: no request, no step, no audit entry.
/// </summary>
public sealed class SubmitAccessRequestValidationTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    private async Task AssertRefusedAsync(RequestOrg org, Identity requester, SubmitAccessRequest.Command command, string field, string expected)
    {
        var before = await org.CountsAsync();

        var result = await org.SubmitAsync(requester, command);

        Assert.False(result.Ok);
        Assert.NotNull(result.Refusal.FieldErrors);
        var (key, message) = Assert.Single(result.Refusal.FieldErrors);
        Assert.Equal(field, key);
        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.Equal(before, await org.CountsAsync());
    }

    [Fact]
    public async Task Submit_EmptyJustification_RefusedOnJustification()
    {
        var org = await RequestOrg.CreateAsync(portal);
        await AssertRefusedAsync(org, org.Rita, RequestOrg.Command(org.Developer, org.Rita, justification: "   "),
            nameof(SubmitAccessRequest.Command.Justification), "Explain the business reason.");
    }

    [Fact]
    public async Task Submit_TooShortJustification_RefusedOnJustification()
    {
        var org = await RequestOrg.CreateAsync(portal);
        await AssertRefusedAsync(org, org.Rita, RequestOrg.Command(org.Developer, org.Rita, justification: "need it"),
            nameof(SubmitAccessRequest.Command.Justification), "at least 20 characters");
    }

    [Fact]
    public async Task Submit_JustificationLongerThanTheColumn_RefusedOnJustification()
    {
        var org = await RequestOrg.CreateAsync(portal);
        var justification = "Launch analytics for the Q3 board pack. " + new string('j', MaxLengths.AccessRequest.Justification);
        await AssertRefusedAsync(org, org.Rita, RequestOrg.Command(org.Developer, org.Rita, justification: justification),
            nameof(SubmitAccessRequest.Command.Justification),
            $"Keep the justification to {MaxLengths.AccessRequest.Justification} characters; this one has {justification.Length}.");
    }

    [Fact]
    public async Task Submit_DurationBeyondEntitlementMaximum_RefusedOnDuration()
    {
        var org = await RequestOrg.CreateAsync(portal);
        await AssertRefusedAsync(org, org.Rita, RequestOrg.Command(org.Developer, org.Rita, days: 91),
            nameof(SubmitAccessRequest.Command.DurationDays), "at most 90 days");
    }

    [Fact]
    public async Task Submit_StartDateYesterday_RefusedOnStartsOn()
    {
        var org = await RequestOrg.CreateAsync(portal);
        var command = RequestOrg.Command(org.Developer, org.Rita);
        command.StartsOn = PortalAppFactory.Now.UtcDateTime.Date.AddDays(-1);
        await AssertRefusedAsync(org, org.Rita, command, nameof(SubmitAccessRequest.Command.StartsOn), "The start date cannot be in the past.");
    }

    [Fact]
    public async Task Submit_DurationOverFiveYears_RefusedOnDurationWithTheLimit()
    {
        var org = await RequestOrg.CreateAsync(portal);
        await AssertRefusedAsync(org, org.Rita, RequestOrg.Command(org.Developer, org.Rita, days: SubmitAccessRequest.Validator.MaximumDurationDays + 1),
            nameof(SubmitAccessRequest.Command.DurationDays), $"Choose a duration from 1 to {SubmitAccessRequest.Validator.MaximumDurationDays} days (five years)");
    }

    [Fact]
    public async Task Submit_PermanentWhereNotAllowed_RefusedOnDuration()
    {
        var org = await RequestOrg.CreateAsync(portal);
        await AssertRefusedAsync(org, org.Rita, RequestOrg.Command(org.Developer, org.Rita, days: null),
            nameof(SubmitAccessRequest.Command.DurationDays), "time-bound");
    }

    [Fact]
    public async Task Submit_UnknownEntitlementId_RefusedOnEntitlement()
    {
        var org = await RequestOrg.CreateAsync(portal);
        var command = RequestOrg.Command(org.Developer, org.Rita);
        command.EntitlementId = int.MaxValue;
        await AssertRefusedAsync(org, org.Rita, command, nameof(SubmitAccessRequest.Command.EntitlementId), "does not exist or cannot be requested");
    }

    [Fact]
    public async Task Submit_NotRequestableEntitlement_RefusedOnEntitlement()
    {
        var org = await RequestOrg.CreateAsync(portal);
        await AssertRefusedAsync(org, org.Rita, RequestOrg.Command(org.ProdAdmin, org.Rita),
            nameof(SubmitAccessRequest.Command.EntitlementId), "does not exist or cannot be requested");
    }

    [Fact]
    public async Task Submit_AccessAlreadyHeld_RefusedOnEntitlement()
    {
        var org = await RequestOrg.CreateAsync(portal);
        await using (var db = await portal.CreateDbContextAsync())
        {
            db.Grants.Add(new Grant { IdentityId = org.Rita.Id, EntitlementId = org.Developer.Id, GrantedAt = PortalAppFactory.Now.AddDays(-10) });
            await db.SaveChangesAsync();
        }
        await AssertRefusedAsync(org, org.Rita, RequestOrg.Command(org.Developer, org.Rita),
            nameof(SubmitAccessRequest.Command.EntitlementId), "already holds");
    }

    [Fact]
    public async Task Submit_DuplicateOpenRequest_RefusedOnEntitlement()
    {
        var org = await RequestOrg.CreateAsync(portal);
        await org.SubmitOkAsync(org.Rita, org.Developer);

        await AssertRefusedAsync(org, org.Rita, RequestOrg.Command(org.Developer, org.Rita, days: 10),
            nameof(SubmitAccessRequest.Command.EntitlementId), "already an open request");
    }

    [Fact]
    public async Task Submit_BeneficiaryNotOwnedByRequester_RefusedOnBeneficiary()
    {
        var org = await RequestOrg.CreateAsync(portal);
        await AssertRefusedAsync(org, org.Rita, RequestOrg.Command(org.Developer, org.PetesKey),
            nameof(SubmitAccessRequest.Command.BeneficiaryId), "only for yourself or for an agent or key you own");
    }

    [Fact]
    public async Task Submit_AnotherPersonAsBeneficiary_RefusedOnBeneficiary()
    {
        var org = await RequestOrg.CreateAsync(portal);
        await AssertRefusedAsync(org, org.Rita, RequestOrg.Command(org.Developer, org.Pete),
            nameof(SubmitAccessRequest.Command.BeneficiaryId), "only for yourself or for an agent or key you own");
    }

    [Fact]
    public async Task Submit_ValidRequestForOwnedKey_StoresRequestWithOneAuditEntry()
    {
        var org = await RequestOrg.CreateAsync(portal);
        var before = await org.CountsAsync();

        var id = await org.SubmitOkAsync(org.Rita, org.Developer, org.RitasKey, days: 90);

        var after = await org.CountsAsync();
        Assert.Equal((before.Requests + 1, before.Steps + 2, before.Audit + 1), after);
        var request = await org.RequestAsync(id);
        Assert.Equal((org.Rita.Id, org.RitasKey.Id, AccessRequestStatus.Pending, 90), (request.RequesterId, request.BeneficiaryId, request.Status, request.DurationDays));
        Assert.Single(await org.AuditAsync("request.submitted", nameof(AccessRequest), id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Submit_StagingKeyAsksForAProdRole_RefusedOnTheEntitlement_AProdKeyMayAsk()
    {
        var org = new TestOrg("key-homes");
        var boss = org.Person("Boss");
        var engineer = org.Person("Engineer", manager: boss);
        var stagingKey = org.Key("staging-pipeline", engineer);
        var prodKey = org.Key("prod-pipeline", engineer);
        var staging = org.Workspace("staging", boss);
        var prod = org.Workspace("prod", org.Person("Owner", manager: boss));
        org.Grant(stagingKey, org.Role(staging, "active", kind: EntitlementKind.ApiKey));
        org.Grant(prodKey, org.Role(prod, "active", kind: EntitlementKind.ApiKey));
        var prodDeveloper = org.Role(prod, "workspace_developer");
        prodDeveloper.IsRequestable = true;
        prodDeveloper.MaxDurationDays = 90;
        await org.SaveAsync(portal);
        var submit = portal.GetRequiredService<SubmitAccessRequest>();

        var refused = await submit.HandleAsync(TestOrg.Viewer(engineer), RequestOrg.Command(prodDeveloper, stagingKey), "test-staging-key");

        Assert.False(refused.Ok);
        var (field, message) = Assert.Single(refused.Refusal.FieldErrors!);
        Assert.Equal(nameof(SubmitAccessRequest.Command.EntitlementId), field);
        Assert.Equal($"{stagingKey.DisplayName} is a key of the {staging.Name} workspace and works only there: it cannot hold a role in {prod.Name}.", message);

        var accepted = await submit.HandleAsync(TestOrg.Viewer(engineer), RequestOrg.Command(prodDeveloper, prodKey), "test-prod-key");
        Assert.True(accepted.Ok, accepted.Refusal?.Message);
    }
}
