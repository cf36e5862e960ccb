using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Features.Reviews;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Connectors;
using ReviewPortal.Web.Features.Requests;
using ReviewPortal.Web.Features.Reviews;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Audit;

/// <summary>
/// Every kind of change leaves exactly one audit entry about its target, written with it; a change
/// that is refused or fails leaves none. Through the real handlers on the seeded portal.
/// </summary>
public sealed class AuditAtomicityTests(PortalAppFactory portal) : IClassFixture<PortalAppFactory>
{
    private async Task<List<AuditEntry>> EntriesAsync(string action, string? targetId = null)
    {
        await using var db = await portal.CreateDbContextAsync();
        return await db.AuditEntries.AsNoTracking().Where(e => e.Action == action && (targetId == null || e.TargetId == targetId))
            .OrderBy(e => e.Sequence).ToListAsync();
    }

    private async Task<long> HeadAsync()
    {
        await using var db = await portal.CreateDbContextAsync();
        return await db.AuditEntries.MaxAsync(e => e.Sequence);
    }

    [Fact]
    public async Task DecideReviewItem_Saved_ExactlyOneReviewDecidedWithTheDecision()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var item = await teams.ItemAsync(teams.Alice, teams.User);

        var result = await portal.GetRequiredService<DecideReviewItem>()
            .HandleAsync(teams.A, TwoTeams.Command(item, DecisionOutcome.Keep, "Needed for daily work."), "atomic-decide");

        Assert.True(result.Ok, result.Refusal?.Message);
        var entry = Assert.Single(await EntriesAsync("review.decided", item.Id.ToString()));
        Assert.Equal(teams.CampaignId, entry.CampaignId);
        Assert.Equal(teams.Alice.Id, entry.IdentityId);
        Assert.Equal(teams.ManagerA.Id, entry.ActorId);
        Assert.Equal("atomic-decide", entry.CorrelationId);
        Assert.Contains(item.EvidenceHash, entry.After);
        Assert.Single(await teams.DecisionsAsync());
    }

    [Fact]
    public async Task DecideReviewItem_RefusedForStaleEvidence_NoDecisionAndNoEntry()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var item = await teams.ItemAsync(teams.Alice, teams.User);
        var head = await HeadAsync();

        var result = await portal.GetRequiredService<DecideReviewItem>().HandleAsync(teams.A,
            TwoTeams.Command(item, DecisionOutcome.Keep) with { EvidenceHash = new string('a', 64) }, "atomic-stale");

        Assert.Equal(RefusalKind.Conflict, result.Refusal?.Kind);
        Assert.Empty(await EntriesAsync("review.decided", item.Id.ToString()));
        Assert.Empty(await teams.DecisionsAsync());
        Assert.Equal(head, await HeadAsync());
    }

    [Fact]
    public async Task BulkDecide_SomeItemsSaved_OneEntryPerSavedItemAndNoneForSkipped()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var mine = await teams.ItemAsync(teams.Alice, teams.User);
        var others = await teams.ItemAsync(teams.Bea, teams.User);

        var result = await portal.GetRequiredService<BulkDecide>()
            .HandleAsync(teams.A, new BulkDecide.Command([new SeenItem(mine.Id, mine.Version), new SeenItem(others.Id, others.Version)], DecisionOutcome.Keep, "Still needed by the team."), "atomic-bulk");

        Assert.Equal(1, result.Value!.Saved);
        Assert.Single(await EntriesAsync("review.decided", mine.Id.ToString()));
        Assert.Empty(await EntriesAsync("review.decided", others.Id.ToString()));
    }

    [Fact]
    public async Task LaunchCampaign_Launched_ExactlyOneCampaignLaunchedCountingItsItems()
    {
        var teams = await TwoTeams.LaunchAsync(portal);

        var entry = Assert.Single(await EntriesAsync("campaign.launched", teams.CampaignId.ToString()));

        Assert.Equal(teams.CampaignId, entry.CampaignId);
        Assert.Equal(teams.Org.Admin.Id, entry.ActorId);
        using var after = JsonDocument.Parse(entry.After!);
        Assert.Equal((await teams.ItemsAsync()).Count, after.RootElement.GetProperty("items").GetInt32());
    }

    [Theory]
    [InlineData("invalid")]
    [InlineData("not-admin")]
    public async Task LaunchCampaign_Refused_NoCampaignAndNoEntry(string why)
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var definition = teams.Org.Definition(d => d.Name = $"{teams.Org.Tag} second");
        if (why == "invalid")
        {
            definition.DueAt = PortalAppFactory.Now.AddDays(-1);
        }
        var before = (await EntriesAsync("campaign.launched")).Count;
        await using var db0 = await portal.CreateDbContextAsync();
        var campaigns = await db0.Campaigns.CountAsync();

        var result = await portal.LaunchCampaignAsync(definition, why == "invalid" ? teams.Admin : teams.Compliance);

        Assert.NotNull(result.Refusal);
        Assert.Null(result.Value);
        Assert.Equal(before, (await EntriesAsync("campaign.launched")).Count);
        await using var db = await portal.CreateDbContextAsync();
        Assert.Equal(campaigns, await db.Campaigns.CountAsync());
    }

    [Fact]
    public async Task CloseCampaign_Closed_OneCampaignClosedAndOneRemediationCreatedPerTask_SecondCloseAddsNothing()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var aaron = await teams.ItemAsync(teams.Aaron, teams.User);
        var decided = await portal.GetRequiredService<DecideReviewItem>()
            .HandleAsync(teams.A, TwoTeams.Command(aaron, DecisionOutcome.Revoke, "Dormant for six weeks."), "atomic-close");
        Assert.True(decided.Ok, decided.Refusal?.Message);
        var close = portal.GetRequiredService<CloseCampaign>();

        var result = await close.HandleAsync(teams.Admin, teams.CampaignId, "atomic-close");

        Assert.True(result.Ok, result.Refusal?.Message);
        Assert.Single(await EntriesAsync("campaign.closed", teams.CampaignId.ToString()));
        await using (var db = await portal.CreateDbContextAsync())
        {
            var tasks = await db.RemediationTasks.AsNoTracking().Where(t => db.ReviewItems.Any(i => i.Id == t.ReviewItemId && i.CampaignId == teams.CampaignId)).ToListAsync();
            Assert.Equal(result.Value.RemediationTasks, tasks.Count);
            Assert.NotEmpty(tasks);
            var created = (await EntriesAsync("remediation.created")).Where(e => e.CampaignId == teams.CampaignId).ToList();
            Assert.Equal(tasks.Select(t => t.Id.ToString()).Order(), created.Select(e => e.TargetId).Order());
        }
        var head = await HeadAsync();

        var again = await close.HandleAsync(teams.Admin, teams.CampaignId, "atomic-close-again");

        Assert.False(again.Ok);
        Assert.Equal(head, await HeadAsync());
    }

    [Fact]
    public async Task CloseCampaign_ByCompliance_StillActiveAndNoEntry()
    {
        var teams = await TwoTeams.LaunchAsync(portal);

        var result = await portal.GetRequiredService<CloseCampaign>().HandleAsync(teams.Compliance, teams.CampaignId, "atomic-close-refused");

        Assert.False(result.Ok);
        Assert.Empty(await EntriesAsync("campaign.closed", teams.CampaignId.ToString()));
        Assert.DoesNotContain(await EntriesAsync("remediation.created"), e => e.CampaignId == teams.CampaignId);
    }

    /// <summary>A requestable entitlement someone with a manager does not hold nor has asked for, and the viewer for them.</summary>
    private async Task<(SubmitAccessRequest.Command Command, ReviewPortal.Web.Infrastructure.Auth.Viewer Requester)> RequestableAsync()
    {
        await using var db = await portal.CreateDbContextAsync();
        var entitlements = await db.Entitlements.AsNoTracking()
            .Where(e => e.IsRequestable && e.Resource.OwnerId != null).Select(e => e.Id).ToListAsync();
        var people = await db.Identities.AsNoTracking()
            .Where(i => i.Kind == IdentityKind.Person && i.EmploymentStatus == EmploymentStatus.Active && i.ManagerId != null)
            .OrderBy(i => i.Id).Select(i => i.Id).Take(40).ToListAsync();
        foreach (var person in people)
        {
            foreach (var entitlement in entitlements)
            {
                var blocked = await db.Grants.AnyAsync(g => g.IdentityId == person && g.EntitlementId == entitlement && g.EndedAt == null)
                    || await db.AccessRequests.AnyAsync(r => r.BeneficiaryId == person && r.EntitlementId == entitlement)
                    || await db.Entitlements.AnyAsync(e => e.Id == entitlement && (e.Resource.OwnerId == person));
                if (!blocked)
                {
                    return (new SubmitAccessRequest.Command
                    {
                        EntitlementId = entitlement, BeneficiaryId = person, DurationDays = 7,
                        Justification = "Needed to ship the quarterly analytics migration.",
                    }, await portal.ViewerForIdentityAsync(person));
                }
            }
        }
        throw new InvalidOperationException("The demo organization has no requestable entitlement left to ask for.");
    }

    [Fact]
    public async Task SubmitAndApprove_EachSaved_ExactlyOneEntryEach_RefusalsAddNone()
    {
        var (command, requester) = await RequestableAsync();
        var submit = portal.GetRequiredService<SubmitAccessRequest>();
        var head = await HeadAsync();
        var shortJustification = new SubmitAccessRequest.Command
        {
            EntitlementId = command.EntitlementId, BeneficiaryId = command.BeneficiaryId, DurationDays = 7, Justification = "pls",
        };

        var refused = await submit.HandleAsync(requester, shortJustification, "atomic-submit-refused");

        Assert.False(refused.Ok);
        Assert.Equal(head, await HeadAsync());

        var submitted = await submit.HandleAsync(requester, command, "atomic-submit");

        Assert.True(submitted.Ok, submitted.Refusal?.Message);
        var requestId = submitted.Value.ToString();
        var entry = Assert.Single(await EntriesAsync("request.submitted", requestId));
        Assert.Equal(command.BeneficiaryId, entry.IdentityId);

        ApprovalStep step;
        await using (var db = await portal.CreateDbContextAsync())
        {
            step = await db.ApprovalSteps.AsNoTracking().Where(s => s.AccessRequestId == submitted.Value && s.Status == ApprovalStatus.Pending)
                .OrderBy(s => s.Order).FirstAsync();
        }
        var decide = portal.GetRequiredService<DecideApproval>();
        head = await HeadAsync();

        var byRequester = await decide.HandleAsync(requester, new DecideApproval.Command(step.Id, true, null, step.Version), "atomic-approve-refused");

        Assert.False(byRequester.Ok);
        Assert.Equal(head, await HeadAsync());

        var approved = await decide.HandleAsync(await portal.ViewerForIdentityAsync(step.ApproverId), new DecideApproval.Command(step.Id, true, null, step.Version),
            "atomic-approve");

        Assert.True(approved.Ok, approved.Refusal?.Message);
        var approval = Assert.Single(await EntriesAsync("request.step-approved", requestId));
        Assert.Equal(step.ApproverId, approval.ActorId);
        Assert.Equal("atomic-approve", approval.CorrelationId);
    }

    [Fact]
    public async Task SignIn_PersonaForm_ExactlyOneSignedInEntry_WithoutAntiforgeryTokenNone()
    {
        var persona = await portal.PersonaAsync("compliance");
        var before = (await EntriesAsync("portal.signed-in", persona.IdentityId.ToString())).Count;
        var client = portal.CreateBrowserClient();

        using (var forged = await client.PostAsync("/dev/sign-in/compliance", new FormUrlEncodedContent([])))
        {
            Assert.NotEqual(HttpStatusCode.Redirect, forged.StatusCode);
        }
        Assert.Equal(before, (await EntriesAsync("portal.signed-in", persona.IdentityId.ToString())).Count);

        await portal.SignInAsAsync(client, "compliance");

        var entries = await EntriesAsync("portal.signed-in", persona.IdentityId.ToString());
        Assert.Equal(before + 1, entries.Count);
        Assert.Equal(persona.IdentityId, entries[^1].ActorId);
        Assert.Equal(persona.IdentityId, entries[^1].IdentityId);
    }

    [Fact]
    public async Task DirectorySync_GrantAbsentUpstream_OneGrantClosedAndOneSyncEntryInTheSameRun()
    {
        long grantId;
        await using (var db = await portal.CreateDbContextAsync())
        {
            // Someone in the directory, plus an entitlement they do not hold upstream: the sync must close this grant.
            var holder = await db.Grants.AsNoTracking()
                .Where(g => g.LastSeenInSyncAt != null && g.EndedAt == null && g.Identity.Kind == IdentityKind.Person)
                .OrderBy(g => g.Id).Select(g => g.Identity).FirstAsync();
            var held = await db.Grants.Where(g => g.IdentityId == holder.Id).Select(g => g.EntitlementId).ToListAsync();
            var entitlement = await db.Entitlements.AsNoTracking().Where(e => !held.Contains(e.Id)).OrderBy(e => e.Id).FirstAsync();
            var grant = new Grant
            {
                IdentityId = holder.Id, EntitlementId = entitlement.Id, GrantedAt = PortalAppFactory.Now.AddDays(-3),
                Source = GrantSource.DirectorySync, LastSeenInSyncAt = PortalAppFactory.Now.AddDays(-1),
            };
            db.Grants.Add(grant);
            await db.SaveChangesAsync();
            grantId = grant.Id;
        }

        // The run's correlation id is derived from the clock: a fresh instant keeps it apart from the seed's sync.
        portal.Time.Advance(TimeSpan.FromSeconds(1));
        var run = await portal.GetRequiredService<SyncDirectoryJob>().RunAsync();

        Assert.Equal(IngestionRunStatus.Succeeded, run.Status);
        var sync = Assert.Single(await EntriesAsync("connector.directory-sync", run.Id.ToString()));
        var closedEntry = Assert.Single(await EntriesAsync("grant.closed", grantId.ToString()));
        Assert.Equal(sync.CorrelationId, closedEntry.CorrelationId);
        await using var check = await portal.CreateDbContextAsync();
        Assert.NotNull((await check.Grants.AsNoTracking().SingleAsync(g => g.Id == grantId)).EndedAt);
        var inRun = await check.AuditEntries.AsNoTracking().Where(e => e.CorrelationId == sync.CorrelationId).ToListAsync();
        using var after = JsonDocument.Parse(sync.After!);
        Assert.Equal(after.RootElement.GetProperty("closed").GetInt32(), inRun.Count(e => e.Action == "grant.closed"));
        Assert.Equal(after.RootElement.GetProperty("opened").GetInt32(), inRun.Count(e => e.Action == "grant.opened"));
        // Every grant the run opened has exactly one entry (no duplicate from an earlier run).
        foreach (var opened in inRun.Where(e => e.Action == "grant.opened"))
        {
            Assert.Single(await EntriesAsync("grant.opened", opened.TargetId));
        }
    }
}
