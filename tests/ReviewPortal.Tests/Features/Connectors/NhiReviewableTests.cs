using Microsoft.EntityFrameworkCore;
using ReviewPortal.Claude.Models;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Connectors;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Tests.Features.Connectors;

/// <summary>
/// Every NHI kind is reviewable (issue #16, 6): after a directory sync, service accounts (workspace membership through
/// their active keys), Admin API keys and federated workloads the feed has named (organization access) are identities
/// with a grant and an accountable owner, so a campaign scoped to them has items; the wizard offers only kinds that exist.
/// </summary>
public sealed class NhiReviewableTests : IAsyncLifetime
{
    private const string AdminKeyId = "adminkey_01NhiReviewable";
    private const string AgentId = "fed:oidc|repo:northwind/deploy";
    private readonly ConnectorPortalFactory _portal = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    /// <summary>What the Activity Feed leaves behind for an admin key and a federated workload: placeholders by their actor keys.</summary>
    private async Task AddFeedNhisAsync()
    {
        await using var db = await _portal.CreateDbContextAsync();
        db.Identities.AddRange(
            new Identity { ExternalId = AdminKeyId, Kind = IdentityKind.AdminApiKey, DisplayName = AdminKeyId, CreatedAt = _portal.Time.GetUtcNow(), Status = "unsynced" },
            new Identity { ExternalId = AgentId, Kind = IdentityKind.Agent, DisplayName = "repo:northwind/deploy", CreatedAt = _portal.Time.GetUtcNow(), Status = "unsynced" });
        await db.SaveChangesAsync();
    }

    /// <summary>The demo HR directory, with the admin key and the workload sponsored by <paramref name="sponsorUserId"/>.</summary>
    private sealed class SponsoringHr(IHrDirectory inner, string sponsorUserId) : IHrDirectory
    {
        public async Task<HrSnapshot> ReadAsync(CancellationToken cancellationToken)
        {
            var snapshot = await inner.ReadAsync(cancellationToken);
            var sponsors = snapshot.SponsorByNonHumanId.ToDictionary();
            sponsors[AdminKeyId] = sponsorUserId;
            sponsors[AgentId] = sponsorUserId;
            return snapshot with { SponsorByNonHumanId = sponsors };
        }
    }

    private async Task<List<ApiKey>> ServedKeysAsync()
    {
        var keys = new List<ApiKey>();
        await foreach (var key in _portal.Admin.ListApiKeysAsync())
        {
            keys.Add(key);
        }
        return keys;
    }

    private sealed record HeldAccess(string ExternalId, IdentityKind Kind, string Entitlement, EntitlementKind EntitlementKind, bool Privileged,
        string? OwnerExternalId);

    private async Task<List<HeldAccess>> OpenGrantsOfAsync(params IdentityKind[] kinds)
    {
        await using var db = await _portal.CreateDbContextAsync();
        return await db.Grants.AsNoTracking().Where(g => g.EndedAt == null && kinds.Contains(g.Identity.Kind))
            .Select(g => new HeldAccess(g.Identity.ExternalId, g.Identity.Kind, g.Entitlement.Value, g.Entitlement.Kind, g.Entitlement.IsPrivileged,
                g.Identity.Owner != null ? g.Identity.Owner.ExternalId : null))
            .ToListAsync();
    }

    [Fact]
    public async Task Sync_ServiceAccountsAdminKeyAndFederatedAgent_EachAnIdentityWithAGrantAndAnOwner()
    {
        await AddFeedNhisAsync();
        var accounts = _portal.Organization.ServiceAccounts.ToDictionary(a => a.Id);
        var sponsor = accounts.Values.First().OwnerUserId;
        var hr = new SponsoringHr(_portal.GetRequiredService<IHrDirectory>(), sponsor);

        var run = await _portal.SyncJobWith(hr: hr).RunAsync();

        Assert.Equal(IngestionRunStatus.Succeeded, run.Status);
        var keys = await ServedKeysAsync();
        var expected = keys.Where(k => k.Status == "active" && k.Principal is { Type: "service_account" })
            .Select(k => k.Principal!.Id).ToHashSet();
        Assert.NotEmpty(expected);
        var held = await OpenGrantsOfAsync(IdentityKind.ServiceAccount, IdentityKind.AdminApiKey, IdentityKind.Agent);
        var serviceAccounts = held.Where(h => h.Kind == IdentityKind.ServiceAccount).ToList();
        Assert.Equal(expected.Order(), serviceAccounts.Select(h => h.ExternalId).Distinct().Order());
        Assert.All(serviceAccounts, h =>
        {
            Assert.Equal((ClaudeEntitlements.ServiceAccountMember, EntitlementKind.WorkspaceRole), (h.Entitlement, h.EntitlementKind));
            Assert.Equal(accounts[h.ExternalId].OwnerUserId, h.OwnerExternalId);
        });
        var adminKey = Assert.Single(held, h => h.Kind == IdentityKind.AdminApiKey);
        Assert.Equal(new HeldAccess(AdminKeyId, IdentityKind.AdminApiKey, ClaudeEntitlements.AdminApiKeyAccess, EntitlementKind.OrgRole, true, sponsor), adminKey);
        var agent = Assert.Single(held, h => h.Kind == IdentityKind.Agent);
        Assert.Equal(new HeldAccess(AgentId, IdentityKind.Agent, ClaudeEntitlements.FederatedAccess, EntitlementKind.OrgRole, false, sponsor), agent);
    }

    [Fact]
    public async Task Launch_CampaignScopedToServiceAccounts_HasAnItemForEachServiceAccountGrant()
    {
        Assert.Equal(IngestionRunStatus.Succeeded, (await _portal.SyncAsync()).Status);
        var grants = await OpenGrantsOfAsync(IdentityKind.ServiceAccount);
        await using var db = await _portal.CreateDbContextAsync();
        var owner = await db.Identities.AsNoTracking().Where(i => i.ExternalId == _portal.Organization.ServiceAccounts[0].OwnerUserId).SingleAsync();

        var launched = await _portal.LaunchCampaignAsync(new CampaignDefinition
        {
            Name = "Service accounts", EntitlementKinds = [.. Enum.GetValues<EntitlementKind>()], IdentityKinds = [IdentityKind.ServiceAccount],
            Reviewer = ReviewerRule.NhiOwner, FallbackReviewerId = owner.Id, DueAt = _portal.Time.GetUtcNow().AddDays(14),
            UnreviewedOutcome = UnreviewedOutcome.NoChange,
        }, new Viewer(owner.Id, owner.DisplayName, new HashSet<string> { Roles.Admin }));

        Assert.True(launched.Ok, launched.Refusal?.Message);
        var items = await db.ReviewItems.AsNoTracking().Where(i => i.CampaignId == launched.Value.CampaignId)
            .Select(i => new { i.Identity.Kind, i.Entitlement.Value }).ToListAsync();
        Assert.NotEmpty(grants);
        Assert.Equal(grants.Count, items.Count);
        Assert.All(items, i => Assert.Equal((IdentityKind.ServiceAccount, ClaudeEntitlements.ServiceAccountMember), (i.Kind, i.Value)));
    }

    [Fact]
    public async Task WizardOptions_OnlyKindsSomeIdentityHas_AndTheFeedsKindsOnceNamed()
    {
        Assert.Equal(IngestionRunStatus.Succeeded, (await _portal.SyncAsync()).Status);
        await using var db = await _portal.CreateDbContextAsync();
        var admin = new Viewer((await db.Identities.FirstAsync(i => i.Kind == IdentityKind.Person)).Id, "Admin", new HashSet<string> { Roles.Admin });
        var options = _portal.GetRequiredService<GetCampaignOptions>();

        var synced = (await options.HandleAsync(admin)).Value!;
        await AddFeedNhisAsync();
        var named = (await options.HandleAsync(admin)).Value!;

        Assert.Equal([IdentityKind.Person, IdentityKind.ApiKey, IdentityKind.ServiceAccount], synced.IdentityKinds);
        Assert.Equal(Enum.GetValues<IdentityKind>().Order(), named.IdentityKinds);
    }
}
