using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using ReviewPortal.Tests.Features.Campaigns;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Features.Identities;
using ReviewPortal.Web.Features.Setup;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Tests.Features.Setup;

/// <summary>
/// The Owners screen's panels through the real handlers: an admin opens a workspace and a key, the editor is prefilled
/// with the current owner, saving shows who changed what; Compliance gets History buttons and no save.
/// </summary>
public sealed class OwnersPanelsTests : BunitContext, IAsyncLifetime
{
    private readonly EmptyPortalAppFactory _portal = new();
    private SetupOrg _org = null!;

    public OwnersPanelsTests()
    {
        // The panels read a real database: bUnit's 1 s default wait is short on a loaded 2-core machine. A ceiling, not a delay.
        DefaultWaitTimeout = TimeSpan.FromSeconds(15);
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddSingleton(_portal.GetRequiredService<ListResourceOwners>());
        Services.AddSingleton(_portal.GetRequiredService<SetResourceOwners>());
        Services.AddSingleton(_portal.GetRequiredService<ListNhiOwners>());
        Services.AddSingleton(_portal.GetRequiredService<TransferNhiOwnership>());
        Services.AddSingleton(_portal.GetRequiredService<GetChangeHistory>());
        Services.AddSingleton(_portal.GetRequiredService<SearchPeople>());
    }

    async Task IAsyncLifetime.InitializeAsync() => _org = await SetupOrg.CreateAsync(_portal);

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _portal.DisposeAsync();
    }

    private static string? InputValue(AngleSharp.Dom.IElement field) => (field.TagName == "INPUT" ? field : field.QuerySelector("input"))?.GetAttribute("value");

    [Fact]
    public async Task Admin_ConfirmsTheWorkspacesOwner_SavedAndTheHistorySaysWhoChoseIt()
    {
        var panel = Render<ResourceOwnersPanel>(p => p.Add(x => x.Viewer, _org.Admin));
        var edit = $"[data-testid=edit-resource-owners-{_org.Prod.Id}]";
        panel.WaitForAssertion(() => Assert.Single(panel.FindAll(edit)));

        // Found and clicked on the renderer's thread: the panel re-renders as its data loads, which can drop a handler found earlier.
        await panel.InvokeAsync(() => panel.Find(edit).ClickAsync(new()));

        // The editor and its change history load from the database after the click: wait for both (seen empty in CI).
        panel.WaitForAssertion(() =>
        {
            Assert.Equal(_org.Olga.DisplayName, InputValue(panel.Find("[data-testid=resource-owner]")));
            Assert.Single(panel.FindAll("[data-testid=change-history-empty]"));
        });
        await panel.InvokeAsync(() => panel.Find("[data-testid=resource-owners-save]").ClickAsync(new()));

        panel.WaitForAssertion(() => Assert.Single(panel.FindAll("[data-testid=change-history-entry]")));
        Assert.Contains("Chosen by: the directory sync → an admin", panel.Find("[data-testid=change-history-entry]").TextContent, StringComparison.Ordinal);
        var prod = await _org.ProdAsync();
        Assert.Equal((_org.Olga.Id, 1), (prod.OwnerId, prod.OwnerVersion));
        Assert.NotNull(prod.OwnerAssignedAt);
    }

    [Fact]
    public async Task Compliance_OpensAKey_SeesItsOwnerWithoutATransferButton()
    {
        var panel = Render<NhiOwnersPanel>(p => p.Add(x => x.Viewer, TestOrg.Viewer(_org.Cora, Roles.Compliance)));
        var open = $"[data-testid=transfer-nhi-{_org.RitasKey.Id}]";
        panel.WaitForAssertion(() => Assert.Single(panel.FindAll(open)));
        Assert.Equal("History", panel.Find(open).TextContent.Trim());

        await panel.InvokeAsync(() => panel.Find(open).ClickAsync(new()));

        Assert.Equal(_org.Rita.DisplayName, InputValue(panel.Find("[data-testid=nhi-new-owner]")));
        Assert.Empty(panel.FindAll("[data-testid=nhi-transfer-save]"));
        Assert.Single(panel.FindAll("[data-testid=change-history]"));
    }
}
