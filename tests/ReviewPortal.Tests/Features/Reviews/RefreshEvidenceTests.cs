using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Features.Campaigns;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Audit;
using ReviewPortal.Web.Features.Reviews;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Reviews;

/// <summary>
/// "Refresh evidence" stores a new snapshot beside the launch one, both hashed and never changed; a decision records the
/// snapshot that was on screen and the digest of everything the drawer showed (bulk: the grid row's); the evidence pack
/// carries both snapshots (issue #16, 5).
/// </summary>
public class RefreshEvidenceTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    private RefreshEvidence Refresh => portal.GetRequiredService<RefreshEvidence>();
    private GetReviewItem Get => portal.GetRequiredService<GetReviewItem>();
    private DecideReviewItem Decide => portal.GetRequiredService<DecideReviewItem>();

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>Aaron (dormant 41 days at launch) was active today, after launch: a refresh sees what the launch did not.</summary>
    private async Task<(TwoTeams Teams, ReviewItem Item)> AaronActiveSinceLaunchAsync()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var item = await teams.ItemAsync(teams.Aaron, teams.User);
        await using var db = await portal.CreateDbContextAsync();
        db.ActivityRollups.Add(new ActivityRollup
        {
            IdentityId = teams.Aaron.Id, Day = DateOnly.FromDateTime(portal.Time.GetUtcNow().UtcDateTime), Category = ActivityCategory.ChatAndContent, Count = 5,
        });
        await db.SaveChangesAsync();
        return (teams, item);
    }

    private async Task<List<EvidenceSnapshot>> SnapshotsAsync(long itemId)
    {
        await using var db = await portal.CreateDbContextAsync();
        return await db.EvidenceSnapshots.AsNoTracking().Where(s => s.ReviewItemId == itemId).OrderBy(s => s.Id).ToListAsync();
    }

    [Fact]
    public async Task Refresh_ByTheReviewer_NewSnapshotBesideTheLaunchOneBothHashesVerifyAndAudited()
    {
        var (teams, item) = await AaronActiveSinceLaunchAsync();

        var refreshed = await Refresh.HandleAsync(teams.A, item.Id, "refresh-1");

        Assert.True(refreshed.Ok, refreshed.Refusal?.Message);
        var snapshot = Assert.Single(await SnapshotsAsync(item.Id));
        var launch = await teams.ItemAsync(item.Id);
        // Both kept, both verify: the SHA-256 of each stored JSON is its stored hash, recomputed here.
        Assert.Equal(launch.EvidenceHash, Sha256(launch.EvidenceJson));
        Assert.Equal(snapshot.Hash, Sha256(snapshot.EvidenceJson));
        Assert.Equal((item.EvidenceJson, item.EvidenceHash), (launch.EvidenceJson, launch.EvidenceHash));
        Assert.NotEqual(launch.EvidenceHash, snapshot.Hash);
        Assert.Equal((EvidenceSnapshotReason.Refresh, (int?)teams.ManagerA.Id, refreshed.Value.Hash), (snapshot.Reason, snapshot.TakenById, snapshot.Hash));
        Assert.Equal(1, ReviewPortal.Web.Features.Campaigns.ItemEvidence.FromJson(snapshot.EvidenceJson)!.Activity.ActiveDays);
        var audit = Assert.Single(await teams.AuditAsync("review.evidence-refreshed"));
        Assert.Equal(teams.ManagerA.Id, audit.ActorId);
        Assert.Contains(snapshot.Hash, audit.After);
        Assert.Contains($"\"itemId\":{item.Id}", audit.After);

        // The drawer now shows the refreshed snapshot, says so, and keeps the launch figures beside it.
        var view = (await Get.HandleAsync(teams.A, item.Id)).Value!;
        Assert.True(view.EvidenceRefreshed);
        Assert.Equal(snapshot.Hash, view.EvidenceHash);
        Assert.Equal(launch.EvidenceHash, view.LaunchEvidenceHash);
        Assert.Equal(0, view.LaunchEvidence!.Activity.ActiveDays);
    }

    [Fact]
    public async Task Refresh_ByAnotherReviewer_ForbiddenAndNothingStored()
    {
        var (teams, item) = await AaronActiveSinceLaunchAsync();

        var refused = await Refresh.HandleAsync(teams.B, item.Id, "refresh-b");

        Assert.Equal(RefusalKind.Forbidden, refused.Refusal?.Kind);
        Assert.Empty(await SnapshotsAsync(item.Id));
        Assert.Empty(await teams.AuditAsync("review.evidence-refreshed"));
    }

    [Fact]
    public async Task Refresh_ByAnAdminWhoReadsEveryItem_Stored()
    {
        var (teams, item) = await AaronActiveSinceLaunchAsync();

        var refreshed = await Refresh.HandleAsync(teams.Admin, item.Id, "refresh-admin");

        Assert.True(refreshed.Ok, refreshed.Refusal?.Message);
        Assert.Single(await SnapshotsAsync(item.Id));
    }

    [Fact]
    public async Task Decide_AfterRefresh_RecordsTheRefreshedHashAndTheDigestOfWhatTheDrawerShowed()
    {
        var (teams, item) = await AaronActiveSinceLaunchAsync();
        Assert.True((await Refresh.HandleAsync(teams.A, item.Id, "refresh-1")).Ok);
        var view = (await Get.HandleAsync(teams.A, item.Id)).Value!;

        var decided = await Decide.HandleAsync(teams.A, new DecideReviewItem.Command
        {
            ItemId = item.Id, Outcome = DecisionOutcome.Keep, Justification = "Active again since launch.", ExpectedVersion = view.Version,
            EvidenceHash = view.EvidenceHash, ShownHash = view.ShownHash,
        }, "decide-1");

        Assert.True(decided.Ok, decided.Refusal?.Message);
        var snapshot = Assert.Single(await SnapshotsAsync(item.Id));
        var decision = Assert.Single(await teams.DecisionsAsync());
        Assert.Equal(snapshot.Hash, decision.EvidenceHash);
        // The shown digest is the SHA-256 of the canonical JSON of the view the drawer rendered, top activity types included.
        var canonical = ShownDigest.CanonicalJson(view);
        Assert.Equal(Sha256(canonical), decision.ShownHash);
        Assert.Contains("\"topTypes\":", canonical);
        Assert.Contains("\"evidenceRefreshed\":true", canonical);
        Assert.Contains(snapshot.Hash, Assert.Single(await teams.AuditAsync("review.decided")).After);
    }

    [Fact]
    public async Task Decide_WithTheLaunchHashAfterARefreshMeanwhile_ConflictAndNothingStored()
    {
        var (teams, item) = await AaronActiveSinceLaunchAsync();
        var opened = (await Get.HandleAsync(teams.A, item.Id)).Value!;
        Assert.True((await Refresh.HandleAsync(teams.Admin, item.Id, "refresh-elsewhere")).Ok);

        var refused = await Decide.HandleAsync(teams.A, new DecideReviewItem.Command
        {
            ItemId = item.Id, Outcome = DecisionOutcome.Revoke, ExpectedVersion = opened.Version, EvidenceHash = opened.EvidenceHash,
            ShownHash = opened.ShownHash,
        }, "decide-stale");

        Assert.Equal(RefusalKind.Conflict, refused.Refusal?.Kind);
        Assert.Contains("evidence was refreshed meanwhile", refused.Refusal!.Message);
        Assert.Empty(await teams.DecisionsAsync());
        Assert.Null((await teams.ItemAsync(item.Id)).Outcome);
    }

    [Fact]
    public async Task BulkDecide_AfterRefresh_RecordsTheRefreshedHashAndTheDigestOfTheGridRow()
    {
        var (teams, item) = await AaronActiveSinceLaunchAsync();
        Assert.True((await Refresh.HandleAsync(teams.A, item.Id, "refresh-1")).Ok);
        var queue = (await portal.GetRequiredService<ListMyReviewItems>()
            .HandleAsync(teams.A, new ListMyReviewItems.Query { CampaignId = teams.CampaignId, Decided = false })).Value!;
        var row = queue.Rows.Single(r => r.Id == item.Id);

        var result = await portal.GetRequiredService<BulkDecide>()
            .HandleAsync(teams.A, new BulkDecide.Command([row.Seen], DecisionOutcome.Keep, "Active again since launch."), "bulk-1");

        Assert.Equal(1, result.Value?.Saved);
        var decision = Assert.Single(await teams.DecisionsAsync());
        Assert.Equal(Assert.Single(await SnapshotsAsync(item.Id)).Hash, decision.EvidenceHash);
        Assert.Equal(Sha256(ShownDigest.CanonicalJson(row)), decision.ShownHash);
        Assert.Contains($"\"id\":{item.Id}", ShownDigest.CanonicalJson(row));
    }

    [Fact]
    public async Task BulkDecide_ShownHashThatIsNoSha256_SkippedAndNothingStored()
    {
        var (teams, item) = await AaronActiveSinceLaunchAsync();

        var result = await portal.GetRequiredService<BulkDecide>()
            .HandleAsync(teams.A, new BulkDecide.Command([new SeenItem(item.Id, item.Version, new string('f', 65))], DecisionOutcome.Keep, "Still needed."), "bulk-x");

        Assert.Equal((0, 1), (result.Value?.Saved, result.Value?.Skipped));
        Assert.Empty(await teams.DecisionsAsync());
    }

    [Fact]
    public async Task EvidencePack_AfterRefresh_HoldsTheLaunchAndTheRefreshedSnapshotEachVerifyingAgainstItsHash()
    {
        var (teams, item) = await AaronActiveSinceLaunchAsync();
        var refreshed = (await Refresh.HandleAsync(teams.A, item.Id, "refresh-1")).Value!;

        using var output = new MemoryStream();
        var pack = await portal.GetRequiredService<ExportEvidencePack>().WriteAsync(teams.Compliance, teams.CampaignId, output, "pack-1");

        Assert.True(pack.Ok, pack.Refusal?.Message);
        using var zip = new ZipArchive(new MemoryStream(output.ToArray()), ZipArchiveMode.Read);
        string Read(string name)
        {
            using var reader = new StreamReader(zip.GetEntry(name)!.Open());
            return reader.ReadToEnd();
        }
        using var decisions = JsonDocument.Parse(Read("decisions.json"));
        var launch = decisions.RootElement.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("itemId").GetInt64() == item.Id);
        Assert.Equal(item.EvidenceHash, launch.GetProperty("evidenceHash").GetString());
        Assert.Equal(item.EvidenceHash, Sha256(launch.GetProperty("evidence").GetRawText()));
        using var snapshots = JsonDocument.Parse(Read("evidence-snapshots.json"));
        var later = Assert.Single(snapshots.RootElement.GetProperty("refreshedSnapshots").EnumerateArray());
        Assert.Equal(item.Id, later.GetProperty("itemId").GetInt64());
        Assert.Equal("refresh", later.GetProperty("reason").GetString());
        Assert.Equal(refreshed.Hash, later.GetProperty("evidenceHash").GetString());
        Assert.Equal(refreshed.Hash, Sha256(later.GetProperty("evidence").GetRawText()));
    }

    [Fact]
    public async Task Snapshot_ChangedOrDeletedAfterItIsHashed_SaveRefusedAndStoredRowUnchanged()
    {
        var (teams, item) = await AaronActiveSinceLaunchAsync();
        Assert.True((await Refresh.HandleAsync(teams.A, item.Id, "refresh-1")).Ok);
        var stored = Assert.Single(await SnapshotsAsync(item.Id));

        await using (var db = await portal.CreateDbContextAsync())
        {
            var tracked = await db.EvidenceSnapshots.SingleAsync(s => s.Id == stored.Id);
            db.Entry(tracked).Property(s => s.EvidenceJson).CurrentValue = "{}";
            await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
        }
        await using (var db = await portal.CreateDbContextAsync())
        {
            db.EvidenceSnapshots.Remove(await db.EvidenceSnapshots.SingleAsync(s => s.Id == stored.Id));
            await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
        }
        var after = Assert.Single(await SnapshotsAsync(item.Id));
        Assert.Equal((stored.EvidenceJson, stored.Hash), (after.EvidenceJson, after.Hash));
    }
}
