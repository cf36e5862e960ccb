using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Features.Reviews;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Audit;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Audit;

/// <summary>
/// What leaves the portal for auditors: the audit CSV and the campaign evidence pack, over HTTP as
/// the compliance persona and through the handler. Formula injection is neutralised; the pack is
/// self-verifying (manifest hashes, ledger head) and reproducible.
/// </summary>
public sealed class AuditExportTests(PortalAppFactory portal) : IClassFixture<PortalAppFactory>
{
    /// <summary>Cells a spreadsheet would run as formulas (or that hide one behind a tab / CR).</summary>
    private static readonly string[] DangerousValues =
    [
        "=HYPERLINK(\"http://evil.example\",\"x\")", "+1+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+9)*cmd|' /C calc'!A0",
        "\t=1+2", "\r=1+2",
    ];

    private async Task<HttpClient> ComplianceClientAsync()
    {
        var client = portal.CreateBrowserClient();
        await portal.SignInAsAsync(client, "compliance");
        return client;
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static Dictionary<string, byte[]> Unzip(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        return archive.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var s = e.Open();
            using var m = new MemoryStream();
            s.CopyTo(m);
            return m.ToArray();
        });
    }

    private async Task<(long Sequence, string Hash)> HeadAsync()
    {
        await using var db = await portal.CreateDbContextAsync();
        var head = await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Sequence).FirstAsync();
        return (head.Sequence, head.Hash);
    }

    [Fact]
    public async Task AuditCsvExport_EntriesStartingWithFormulaCharacters_CellsEscapedWithApostrophe()
    {
        var tag = $"inj{Guid.NewGuid():N}"[..16];
        await using (var db = await portal.CreateDbContextAsync())
        {
            foreach (var (value, n) in DangerousValues.Select((v, n) => (v, n)))
            {
                db.Audit(new AuditActor(null, value, PortalAppFactory.Now, $"{tag}-{n}"), "test.injection",
                    new AuditTarget("Setting", $"{value} {tag}"), before: value, after: value);
            }
            await db.SaveChangesAsync();
        }
        using var client = await ComplianceClientAsync();

        using var response = await client.GetAsync($"/audit/export.csv?text={tag}&action=test.injection");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/csv", response.Content.Headers.ContentType?.MediaType);
        var records = Csv.Records(await response.Content.ReadAsStringAsync());
        Assert.Equal(DangerousValues.Length, records.Count);
        foreach (var (record, value) in records.OrderBy(r => r["correlation_id"], StringComparer.Ordinal).Zip(DangerousValues))
        {
            foreach (var column in new[] { "actor", "target_id", "before", "after" })
            {
                Assert.StartsWith("'", record[column]);
                Assert.StartsWith("'" + value, record[column]);
            }
        }
    }

    [Fact]
    public async Task AuditCsvExport_ByAnAppOwner_RefusedAndNothingExported()
    {
        var client = portal.CreateBrowserClient();
        await portal.SignInAsAsync(client, "appowner");

        using var response = await client.GetAsync("/audit/export.csv");

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("sequence,occurred_at", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task EvidencePack_JustificationsStartingWithFormulaCharacters_DecisionsCsvCellsEscaped()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var items = await teams.ItemsAsync();
        Assert.True(items.Count >= DangerousValues.Length);
        await using (var db = await portal.CreateDbContextAsync())
        {
            // Written straight to the item: the decide handler trims, so tab/CR could not arrive through it.
            foreach (var (item, value) in items.Zip(DangerousValues))
            {
                await db.ReviewItems.Where(i => i.Id == item.Id).ExecuteUpdateAsync(s => s
                    .SetProperty(i => i.Justification, value).SetProperty(i => i.Outcome, DecisionOutcome.Keep));
            }
        }

        var (_, files) = await ExportAsync(teams.Compliance, teams.CampaignId);

        var rows = Csv.Records(Encoding.UTF8.GetString(files["decisions.csv"])).ToDictionary(r => long.Parse(r["item_id"]));
        foreach (var (item, value) in items.Zip(DangerousValues))
        {
            Assert.Equal("'" + value, rows[item.Id]["justification"]);
        }
    }

    [Fact]
    public async Task EvidencePack_FiveFilesWhoseHashesAndLedgerHeadMatchTheManifest()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var alice = await teams.ItemAsync(teams.Alice, teams.User);
        var decided = await portal.GetRequiredService<ReviewPortal.Web.Features.Reviews.DecideReviewItem>()
            .HandleAsync(teams.A, TwoTeams.Command(alice, DecisionOutcome.Keep, "Uses it every day."), "test");
        Assert.True(decided.Ok, decided.Refusal?.Message);
        var head = await HeadAsync();

        var (_, files) = await ExportAsync(teams.Compliance, teams.CampaignId);

        Assert.Equal(["decisions.csv", "decisions.json", "evidence-snapshots.json", "manifest.json", "report.html"], files.Keys.Order());
        using var manifest = JsonDocument.Parse(files["manifest.json"]);
        var root = manifest.RootElement;
        Assert.Equal(teams.CampaignId, root.GetProperty("campaignId").GetInt32());
        Assert.Equal(head.Sequence, root.GetProperty("ledgerHeadSequence").GetInt64());
        Assert.Equal(head.Hash, root.GetProperty("ledgerHeadHash").GetString());
        var listed = root.GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!);
        Assert.Equal(["decisions.csv", "decisions.json", "evidence-snapshots.json", "report.html"], listed.Keys.Order());
        foreach (var (name, file) in listed)
        {
            Assert.Equal(Sha256(files[name]), file.GetProperty("sha256").GetString());
            Assert.Equal(files[name].LongLength, file.GetProperty("bytes").GetInt64());
        }

        // The export itself is the entry right after the head the manifest names.
        await using var db = await portal.CreateDbContextAsync();
        var exported = await db.AuditEntries.AsNoTracking().SingleAsync(e => e.Action == "evidence.exported" && e.PreviousHash == head.Hash);
        Assert.Equal(head.Sequence + 1, exported.Sequence);
        Assert.Equal(teams.CampaignId.ToString(), exported.TargetId);
        Assert.Contains(listed["decisions.csv"].GetProperty("sha256").GetString()!, exported.After);
    }

    /// <summary>Bug: ExportEvidencePack disposes its ZipArchive synchronously over the response body (see the report).</summary>
    [Fact]
    public async Task EvidencePack_OverHttp_FiveFilesWhoseHashesAndLedgerHeadMatchTheManifest()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var alice = await teams.ItemAsync(teams.Alice, teams.User);
        var decided = await portal.GetRequiredService<ReviewPortal.Web.Features.Reviews.DecideReviewItem>()
            .HandleAsync(teams.A, TwoTeams.Command(alice, DecisionOutcome.Keep, "Uses it every day."), "test");
        Assert.True(decided.Ok, decided.Refusal?.Message);
        using var client = await ComplianceClientAsync();
        var head = await HeadAsync();

        using var response = await client.GetAsync($"/campaigns/{teams.CampaignId}/evidence.zip");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        var files = Unzip(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(["decisions.csv", "decisions.json", "evidence-snapshots.json", "manifest.json", "report.html"], files.Keys.Order());
        using var manifest = JsonDocument.Parse(files["manifest.json"]);
        var root = manifest.RootElement;
        Assert.Equal(teams.CampaignId, root.GetProperty("campaignId").GetInt32());
        Assert.Equal(head.Sequence, root.GetProperty("ledgerHeadSequence").GetInt64());
        Assert.Equal(head.Hash, root.GetProperty("ledgerHeadHash").GetString());
        var listed = root.GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!);
        Assert.Equal(["decisions.csv", "decisions.json", "evidence-snapshots.json", "report.html"], listed.Keys.Order());
        foreach (var (name, file) in listed)
        {
            Assert.Equal(Sha256(files[name]), file.GetProperty("sha256").GetString());
            Assert.Equal(files[name].LongLength, file.GetProperty("bytes").GetInt64());
        }

        // The export itself is the entry right after the head the manifest names.
        await using var db = await portal.CreateDbContextAsync();
        var exported = await db.AuditEntries.AsNoTracking().SingleAsync(e => e.Action == "evidence.exported" && e.PreviousHash == head.Hash);
        Assert.Equal(head.Sequence + 1, exported.Sequence);
        Assert.Equal(teams.CampaignId.ToString(), exported.TargetId);
        Assert.Contains(listed["decisions.csv"].GetProperty("sha256").GetString()!, exported.After);
    }

    [Fact]
    public async Task EvidencePack_DecisionsCsv_OneRowPerItemWithThatItemsEvidenceHashAndDecision()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var alice = await teams.ItemAsync(teams.Alice, teams.User);
        await portal.GetRequiredService<ReviewPortal.Web.Features.Reviews.DecideReviewItem>()
            .HandleAsync(teams.A, TwoTeams.Command(alice, DecisionOutcome.Keep, "Uses it every day."), "test");
        var items = await teams.ItemsAsync();

        var (manifest, files) = await ExportAsync(teams.Compliance, teams.CampaignId);

        Assert.NotNull(manifest);
        var rows = Csv.Records(Encoding.UTF8.GetString(files["decisions.csv"]));
        Assert.Equal(items.Select(i => i.Id), rows.Select(r => long.Parse(r["item_id"])));
        foreach (var (item, row) in items.Zip(rows))
        {
            Assert.Equal(item.EvidenceHash, row["evidence_hash"]);
            Assert.Equal(item.Outcome?.ToString() ?? "Unreviewed", row["decision"]);
        }
        Assert.Equal("Keep", rows.Single(r => long.Parse(r["item_id"]) == alice.Id)["decision"]);
        Assert.Equal("Uses it every day.", rows.Single(r => long.Parse(r["item_id"]) == alice.Id)["justification"]);
        using var json = JsonDocument.Parse(files["decisions.json"]);
        Assert.Equal(items.Select(i => i.EvidenceHash),
            json.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("evidenceHash").GetString()));
    }

    [Fact]
    public async Task EvidencePack_RegeneratedTwiceWithDataUnchanged_IdenticalDecisionsCsvAndJson()
    {
        var teams = await TwoTeams.LaunchAsync(portal);

        var (first, firstFiles) = await ExportAsync(teams.Compliance, teams.CampaignId);
        var (second, secondFiles) = await ExportAsync(teams.Compliance, teams.CampaignId);

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Equal(first.Files.Single(f => f.Name == "decisions.csv").Sha256, second.Files.Single(f => f.Name == "decisions.csv").Sha256);
        Assert.Equal(first.Files.Single(f => f.Name == "decisions.json").Sha256, second.Files.Single(f => f.Name == "decisions.json").Sha256);
        Assert.Equal(firstFiles["decisions.csv"], secondFiles["decisions.csv"]);
        // The ledger moved on (the first export is itself audited), and the second pack says so.
        Assert.True(second.LedgerHeadSequence > first.LedgerHeadSequence);
    }

    [Fact]
    public async Task EvidencePack_ManagerViewer_ForbiddenAndNothingWritten()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        using var output = new MemoryStream();

        var manifest = await portal.GetRequiredService<ExportEvidencePack>().WriteAsync(teams.A, teams.CampaignId, output, "test");

        Assert.Equal(RefusalKind.Forbidden, manifest.Refusal?.Kind);
        Assert.Equal(0, output.Length);
    }

    private async Task<(EvidenceManifest? Manifest, Dictionary<string, byte[]> Files)> ExportAsync(Viewer viewer, int campaignId)
    {
        using var output = new MemoryStream();
        var manifest = (await portal.GetRequiredService<ExportEvidencePack>().WriteAsync(viewer, campaignId, output, $"test-{Guid.NewGuid():N}")).Value;
        return (manifest, manifest is null ? [] : Unzip(output.ToArray()));
    }
}
