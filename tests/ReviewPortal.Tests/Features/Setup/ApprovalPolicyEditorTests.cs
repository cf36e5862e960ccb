using Bunit;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using ReviewPortal.Tests.Features.Campaigns;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Identities;
using ReviewPortal.Web.Features.Setup;

namespace ReviewPortal.Tests.Features.Setup;

/// <summary>The policy editor through the real handlers: approvers in words, a bad field's message next to it, nothing stored.</summary>
public sealed class ApprovalPolicyEditorTests : BunitContext, IAsyncLifetime
{
    private readonly EmptyPortalAppFactory _portal = new();
    private PolicyOrg _org = null!;

    public ApprovalPolicyEditorTests()
    {
        // Reads a real database: bUnit's 1 s default wait is short on a loaded 2-core machine. A ceiling, not a delay.
        DefaultWaitTimeout = TimeSpan.FromSeconds(15);
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddSingleton(_portal.GetRequiredService<SaveApprovalPolicy>());
        Services.AddSingleton(_portal.GetRequiredService<RemoveApprovalPolicy>());
        Services.AddSingleton(_portal.GetRequiredService<IValidator<SaveApprovalPolicy.Command>>());
        Services.AddSingleton(_portal.GetRequiredService<GetChangeHistory>());
        Services.AddSingleton(_portal.GetRequiredService<SearchPeople>());
    }

    async Task IAsyncLifetime.InitializeAsync() => _org = await PolicyOrg.CreateAsync(_portal);

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _portal.DisposeAsync();
    }

    private static string FieldText(IRenderedComponent<ApprovalPolicyEditor> editor, string testId)
    {
        var field = editor.Find($"[data-testid={testId}]");
        return (field.Closest(".mud-input-control") ?? field).TextContent;
    }

    [Fact]
    public async Task Save_EscalationOfZeroDays_MessageNextToTheFieldAndNothingStored()
    {
        var editor = Render<ApprovalPolicyEditor>(p => p
            .Add(e => e.Viewer, _org.Admin)
            .Add(e => e.Editing, EditedPolicy.New(ApprovalPolicyScope.Resource, _org.Staging.Id, _org.Staging.Name)));
        var flow = editor.Find("[data-testid=policy-flow]").Closest(".mud-input-control")!;
        Assert.Contains("Manager, then owner", flow.TextContent + string.Join("|", flow.QuerySelectorAll("input").Select(i => i.GetAttribute("value"))),
            StringComparison.Ordinal);
        Assert.DoesNotContain("ManagerThenOwner", editor.Markup, StringComparison.Ordinal);

        var days = editor.Find("[data-testid=policy-escalate-days]");
        (days.TagName == "INPUT" ? days : days.QuerySelector("input")!).Change("0");
        await editor.Find("[data-testid=policy-save]").ClickAsync(new());

        editor.WaitForAssertion(() => Assert.Contains("Escalate after 1 to 30 days without an answer.", FieldText(editor, "policy-escalate-days"), StringComparison.Ordinal));
        Assert.DoesNotContain("Escalate after 1 to 30 days", FieldText(editor, "policy-max-duration"), StringComparison.Ordinal);
        await using var db = await _portal.CreateDbContextAsync();
        Assert.False(await db.ApprovalPolicies.AnyAsync(p => p.ResourceId == _org.Staging.Id));
    }

    [Fact]
    public void Compliance_SeesThePolicyWithoutSaveOrRemove()
    {
        var editor = Render<ApprovalPolicyEditor>(p => p
            .Add(e => e.Viewer, TestOrg.Viewer(_org.Requests.Sam, Web.Infrastructure.Auth.Roles.Compliance))
            .Add(e => e.Editing, EditedPolicy.New(ApprovalPolicyScope.Resource, _org.Staging.Id, _org.Staging.Name)));

        Assert.Empty(editor.FindAll("[data-testid=policy-save]"));
        Assert.Empty(editor.FindAll("[data-testid=policy-remove]"));
        Assert.Single(editor.FindAll("[data-testid=change-history]"));
    }
}
