using System.Reflection;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReviewPortal.Tests.Features.Campaigns;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Lifecycle;
using ReviewPortal.Web.Features.Remediation;
using ReviewPortal.Web.Features.Requests;
using ReviewPortal.Web.Features.Reviews;
using ReviewPortal.Web.Features.Setup;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Validation;

/// <summary>
/// Every mutating command has a validator (issue #14, 7): found by reflection, so a new command without one fails here;
/// and each is fed over-long, empty, negative and far-future values, refused on the field at fault with words for people.
/// </summary>
public class CommandValidationTests : IClassFixture<EmptyPortalAppFactory>
{
    private readonly EmptyPortalAppFactory _portal;

    public CommandValidationTests(EmptyPortalAppFactory portal) => _portal = portal;

    private static readonly string TooLong = new('x', 20_000);

    [Fact]
    public void EveryCommand_HasARegisteredValidator()
    {
        var commands = typeof(Program).Assembly.GetTypes()
            .Where(t => t.Namespace?.StartsWith("ReviewPortal.Web.Features", StringComparison.Ordinal) == true
                        && t is { Name: "Command", IsNested: true })
            .Append(typeof(CampaignDefinition))
            .ToList();
        using var scope = _portal.Services.CreateScope();

        var without = commands.Where(c => scope.ServiceProvider.GetService(typeof(IValidator<>).MakeGenericType(c)) is null)
            .Select(c => c.DeclaringType?.Name ?? c.Name).ToList();

        Assert.True(commands.Count >= 12, $"Only {commands.Count} commands found: the scan is broken.");
        Assert.Empty(without);
    }

    /// <summary>A mutating handler takes free text only inside its validated command (a bare string would skip the validator).</summary>
    [Fact]
    public void NoMutatingHandler_TakesFreeTextOutsideItsCommand()
    {
        var handlers = typeof(Program).Assembly.GetTypes()
            .Where(t => t.Namespace?.StartsWith("ReviewPortal.Web.Features", StringComparison.Ordinal) == true)
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(m => m.Name == "HandleAsync" && m.GetParameters().Any(p => p.Name == "correlationId"));

        var bare = handlers.SelectMany(m => m.GetParameters()
                .Where(p => p.ParameterType == typeof(string) && p.Name != "correlationId")
                .Select(p => $"{m.DeclaringType!.Name}.{p.Name}"))
            .ToList();

        Assert.Empty(bare);
    }

    public static TheoryData<string, string> Cases => new()
    {
        { "campaign name over-long", nameof(CampaignDefinition.Name) },
        { "campaign name empty", nameof(CampaignDefinition.Name) },
        { "campaign activity window negative", nameof(CampaignDefinition.ActivityDays) },
        { "campaign due far in the future", nameof(CampaignDefinition.DueAt) },
        { "campaign due in the past", nameof(CampaignDefinition.DueAt) },
        { "request justification over-long", nameof(SubmitAccessRequest.Command.Justification) },
        { "request justification empty", nameof(SubmitAccessRequest.Command.Justification) },
        { "request duration negative", nameof(SubmitAccessRequest.Command.DurationDays) },
        { "request duration int.MaxValue", nameof(SubmitAccessRequest.Command.DurationDays) },
        { "request start far in the future", nameof(SubmitAccessRequest.Command.StartsOn) },
        { "request start in the past", nameof(SubmitAccessRequest.Command.StartsOn) },
        { "approval comment over-long", nameof(DecideApproval.Command.Comment) },
        { "deny comment empty", nameof(DecideApproval.Command.Comment) },
        { "approval step negative", nameof(DecideApproval.Command.StepId) },
        { "decision justification over-long", nameof(DecideReviewItem.Command.Justification) },
        { "decision evidence hash empty", nameof(DecideReviewItem.Command.EvidenceHash) },
        { "bulk justification over-long", nameof(BulkDecide.Command.Justification) },
        { "lifecycle dormancy negative", nameof(UpdateLifecycleRules.Command.DormantDays) },
        { "lifecycle dormancy far too long", nameof(UpdateLifecycleRules.Command.DormantDays) },
        { "lifecycle review days negative", nameof(UpdateLifecycleRules.Command.DepartedOwnerReviewDays) },
        { "policy escalation negative", nameof(SaveApprovalPolicy.Command.EscalateAfterDays) },
        { "policy max duration far too long", nameof(SaveApprovalPolicy.Command.MaxDurationDays) },
        { "ownership reason over-long", nameof(TransferNhiOwnership.Command.Reason) },
        { "ownership key negative", nameof(TransferNhiOwnership.Command.IdentityId) },
        { "resource owner empty", nameof(SetResourceOwners.Command.OwnerId) },
        { "resource negative", nameof(SetResourceOwners.Command.ResourceId) },
        { "defaults fallback reviewer empty", nameof(UpdateDefaults.Command.FallbackReviewerId) },
        { "policy to remove negative", nameof(RemoveApprovalPolicy.Command.PolicyId) },
        { "remediation note over-long", nameof(MarkRemediationDone.Command.Note) },
        { "remediation task negative", nameof(MarkRemediationDone.Command.TaskId) },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadValue_IsRefusedOnItsField_WithAMessage(string name, string field)
    {
        var result = await ValidateAsync(name);

        Assert.False(result.IsValid, $"{name} was accepted");
        var error = Assert.Single(result.Errors.Where(e => e.PropertyName == field).Take(1));
        // FluentValidation's defaults begin with the quoted property name ("'Evidence Hash' must not be empty."): words for people instead.
        Assert.False(error.ErrorMessage.StartsWith('\''), error.ErrorMessage);
        Assert.True(error.ErrorMessage.Length > 10, error.ErrorMessage);
    }

    /// <summary>The bug the issue names: a request for int.MaxValue days was accepted and threw at fulfilment, forever.</summary>
    [Fact]
    public async Task RequestForIntMaxValueDays_IsRefusedBeforeItIsStored()
    {
        var org = new TestOrg("duration");
        var member = org.Person("Member");
        var workspace = org.Workspace("Research", owner: org.Admin);
        var developer = org.Role(workspace, "workspace_developer");
        await org.SaveAsync(_portal);
        await using (var db = await _portal.CreateDbContextAsync())
        {
            await db.Entitlements.Where(e => e.Id == developer.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.IsRequestable, true));
        }

        var submitted = await _portal.GetRequiredService<SubmitAccessRequest>().HandleAsync(TestOrg.Viewer(member), new SubmitAccessRequest.Command
        {
            EntitlementId = developer.Id, BeneficiaryId = member.Id, Justification = "Quarterly research analytics for the board pack.",
            DurationDays = int.MaxValue,
        }, "duration");

        Assert.Equal(RefusalKind.Invalid, submitted.Refusal?.Kind);
        Assert.Contains(nameof(SubmitAccessRequest.Command.DurationDays), submitted.Refusal!.FieldErrors!.Keys);
        await using var check = await _portal.CreateDbContextAsync();
        Assert.Equal(0, await check.AccessRequests.CountAsync(r => r.BeneficiaryId == member.Id));
    }

    private async Task<ValidationResult> ValidateAsync(string name)
    {
        var now = _portal.Time.GetUtcNow();
        var definition = new CampaignDefinition
        {
            Name = "Q4 review", EntitlementKinds = [EntitlementKind.OrgRole], IdentityKinds = [IdentityKind.Person],
            FallbackReviewerId = 1, DueAt = now.AddDays(14),
        };
        var request = new SubmitAccessRequest.Command
        {
            EntitlementId = 1, BeneficiaryId = 1, Justification = "Quarterly research analytics for the board pack.", DurationDays = 30,
        };
        var decision = new DecideReviewItem.Command { ItemId = 1, Outcome = DecisionOutcome.Keep, EvidenceHash = "abc", ExpectedVersion = 0 };
        var rules = new UpdateLifecycleRules.Command();
        var policy = new SaveApprovalPolicy.Command { Scope = ApprovalPolicyScope.Default, Flow = ApprovalFlow.ManagerThenOwner };
        var transfer = new TransferNhiOwnership.Command { IdentityId = 1, NewOwnerId = 2 };
        var owners = new SetResourceOwners.Command { ResourceId = 1, OwnerId = 2 };
        return name switch
        {
            "campaign name over-long" => await V(definition with { Name = TooLong }),
            "campaign name empty" => await V(definition with { Name = "" }),
            "campaign activity window negative" => await V(definition with { Activity = ActivityFilter.ActiveWithin, ActivityDays = -1 }),
            "campaign due far in the future" => await V(definition with { DueAt = now.AddYears(10) }),
            "campaign due in the past" => await V(definition with { DueAt = now.AddDays(-1) }),
            "request justification over-long" => await V(With(request, r => r.Justification = TooLong)),
            "request justification empty" => await V(With(request, r => r.Justification = "")),
            "request duration negative" => await V(With(request, r => r.DurationDays = -5)),
            "request duration int.MaxValue" => await V(With(request, r => r.DurationDays = int.MaxValue)),
            "request start far in the future" => await V(With(request, r => r.StartsOn = now.UtcDateTime.AddYears(5))),
            "request start in the past" => await V(With(request, r => r.StartsOn = now.UtcDateTime.AddDays(-3))),
            "approval comment over-long" => await V(new DecideApproval.Command(1, true, TooLong, 0)),
            "deny comment empty" => await V(new DecideApproval.Command(1, false, "", 0)),
            "approval step negative" => await V(new DecideApproval.Command(-1, true, null, 0)),
            "decision justification over-long" => await V(decision with { Justification = TooLong }),
            "decision evidence hash empty" => await V(decision with { EvidenceHash = "" }),
            "bulk justification over-long" => await V(new BulkDecide.Command([new SeenItem(1, 0)], DecisionOutcome.Keep, TooLong)),
            "lifecycle dormancy negative" => await V(rules with { DormantDays = -30 }),
            "lifecycle dormancy far too long" => await V(rules with { DormantDays = 100_000 }),
            "lifecycle review days negative" => await V(rules with { DepartedOwnerReviewDays = -1 }),
            "policy escalation negative" => await V(policy with { EscalateAfterDays = -1 }),
            "policy max duration far too long" => await V(policy with { MaxDurationDays = int.MaxValue }),
            "ownership reason over-long" => await V(transfer with { Reason = TooLong }),
            "ownership key negative" => await V(transfer with { IdentityId = -1 }),
            "resource owner empty" => await V(owners with { OwnerId = null }),
            "resource negative" => await V(owners with { ResourceId = -1 }),
            "defaults fallback reviewer empty" => await V(new UpdateDefaults.Command { FallbackReviewerId = null, FallbackApproverId = 1 }),
            "policy to remove negative" => await V(new RemoveApprovalPolicy.Command(-1, 0)),
            "remediation note over-long" => await V(new MarkRemediationDone.Command(1, TooLong)),
            "remediation task negative" => await V(new MarkRemediationDone.Command(-1)),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "No such case."),
        };
    }

    private static T With<T>(T command, Action<T> change)
    {
        change(command);
        return command;
    }

    private Task<ValidationResult> V<T>(T command) => _portal.GetRequiredService<IValidator<T>>().ValidateAsync(command);
}
