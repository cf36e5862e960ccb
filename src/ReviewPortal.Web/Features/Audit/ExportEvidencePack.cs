using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Components.Shared;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Audit;

/// <summary>
/// A campaign's evidence pack, regenerated on demand from the database and the ledger (so it never
/// expires): decisions.csv, decisions.json, evidence-snapshots.json (refreshed evidence), a printable report.html and manifest.json with the
/// SHA-256 of every file and the ledger head at export time. Rows are streamed straight into the
/// ZIP, so memory stays flat however many items the campaign has.
/// </summary>
public sealed class ExportEvidencePack(IDbContextFactory<ReviewPortalDbContext> contexts, TimeProvider time)
{
    private static readonly string[] CsvHeader =
    [
        "item_id", "identity", "identity_external_id", "identity_kind", "entitlement", "resource", "reviewer", "stage", "decision",
        "justification", "decided_at", "recommendation", "recommendation_reason", "evidence_as_of", "evidence_active_days",
        "evidence_events_30d", "evidence_last_active", "evidence_peer_median", "evidence_hash", "remediation_status", "reviewer_id", "reviewer_email",
    ];

    public async Task<Result<EvidenceManifest>> WriteAsync(Viewer viewer, int campaignId, Stream output, string correlationId,
        CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsAndCompliance(viewer, "can export evidence") is { } refused)
        {
            return refused;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == campaignId, cancellationToken);
        if (campaign is null)
        {
            return Refusal.NotFound($"There is no campaign {campaignId}.");
        }
        var head = await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(cancellationToken);
        var generatedAt = time.GetUtcNow();
        var files = new List<EvidenceFile>();

        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            files.Add(await WriteEntryAsync(zip, "decisions.csv", s => WriteCsvAsync(db, campaignId, s, cancellationToken)));
            files.Add(await WriteEntryAsync(zip, "decisions.json", s => WriteJsonAsync(db, campaign, s, cancellationToken)));
            files.Add(await WriteEntryAsync(zip, "evidence-snapshots.json", s => WriteSnapshotsAsync(db, campaign, s, cancellationToken)));
            files.Add(await WriteEntryAsync(zip, "report.html", s => WriteReportAsync(db, campaign, generatedAt, head?.Sequence, s, cancellationToken)));
            var manifest = new EvidenceManifest(campaign.Id, campaign.Name, generatedAt, head?.Sequence ?? 0, head?.Hash ?? AuditChain.Genesis, files);
            await WriteEntryAsync(zip, "manifest.json", s => JsonSerializer.SerializeAsync(s, manifest, ManifestJson, cancellationToken));

            await using var log = await contexts.CreateDbContextAsync(cancellationToken);
            log.Audit(new AuditActor(viewer.IdentityId, viewer.Name, generatedAt, correlationId), "evidence.exported", campaign,
                after: new { files = files.Select(f => new { f.Name, f.Sha256 }), ledgerHead = manifest.LedgerHeadHash, manifest.LedgerHeadSequence });
            await log.SaveChangesAsync(cancellationToken);
            return manifest;
        }
    }

    public static readonly JsonSerializerOptions ManifestJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private static async Task<EvidenceFile> WriteEntryAsync(ZipArchive zip, string name, Func<Stream, Task> write)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Fastest);
        await using var entryStream = await entry.OpenAsync();
        await using var hashing = new HashingStream(entryStream);
        await write(hashing);
        await hashing.FlushAsync();
        return new EvidenceFile(name, hashing.BytesWritten, hashing.HashHex());
    }

    private sealed record Row(long Id, string Identity, string ExternalId, IdentityKind Kind, string Entitlement, string Resource,
        string Reviewer, int Stage, DecisionOutcome? Outcome, string? Justification, DateTimeOffset? DecidedAt, Recommendation Recommendation,
        string Reason, DateTimeOffset AsOf, string EvidenceJson, string EvidenceHash, RemediationStatus? Remediation, int ReviewerId, string? ReviewerEmail);

    private static IAsyncEnumerable<Row> Rows(ReviewPortalDbContext db, int campaignId) =>
        db.ReviewItems.AsNoTracking().Where(i => i.CampaignId == campaignId).OrderBy(i => i.Id)
            .Select(i => new Row(i.Id, i.Identity.DisplayName, i.Identity.ExternalId, i.Identity.Kind, i.Entitlement.DisplayName,
                i.Entitlement.Resource.Name, i.Reviewer.DisplayName, i.Stage, i.Outcome, i.Justification, i.DecidedAt, i.Recommendation,
                i.RecommendationReason, i.EvidenceAsOf, i.EvidenceJson, i.EvidenceHash,
                db.RemediationTasks.Where(t => t.ReviewItemId == i.Id).Select(t => (RemediationStatus?)t.Status).FirstOrDefault(),
                i.ReviewerId, i.Reviewer.Email))
            .AsAsyncEnumerable();

    private static async Task WriteCsvAsync(ReviewPortalDbContext db, int campaignId, Stream stream, CancellationToken cancellationToken)
    {
        await using var csv = SafeCsv.Create(stream);
        await csv.WriteRecordAsync(CsvHeader, cancellationToken);
        await foreach (var r in Rows(db, campaignId).WithCancellation(cancellationToken))
        {
            var e = Snapshot(r.EvidenceJson);
            await csv.WriteRecordAsync([
                r.Id.ToString(CultureInfo.InvariantCulture), r.Identity, r.ExternalId, r.Kind.ToString(), r.Entitlement, r.Resource, r.Reviewer,
                r.Stage.ToString(CultureInfo.InvariantCulture), r.Outcome?.ToString() ?? "Unreviewed", r.Justification, Iso(r.DecidedAt),
                r.Recommendation.ToString(), r.Reason, Iso(r.AsOf), e.ActiveDays, e.Events, e.LastActive, e.PeerMedian, r.EvidenceHash,
                r.Remediation?.ToString(), r.ReviewerId.ToString(CultureInfo.InvariantCulture), r.ReviewerEmail,
            ], cancellationToken);
        }
        await csv.FlushAsync(cancellationToken);
    }

    private static async Task WriteJsonAsync(ReviewPortalDbContext db, Campaign campaign, Stream stream, CancellationToken cancellationToken)
    {
        await using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false });
        json.WriteStartObject();
        json.WriteNumber("campaignId", campaign.Id);
        json.WriteString("campaign", campaign.Name);
        json.WriteString("status", campaign.Status.ToString());
        json.WriteStartArray("items");
        await foreach (var r in Rows(db, campaign.Id).WithCancellation(cancellationToken))
        {
            json.WriteStartObject();
            json.WriteNumber("itemId", r.Id);
            json.WriteString("identity", r.Identity);
            json.WriteString("identityExternalId", r.ExternalId);
            json.WriteString("identityKind", r.Kind.ToString());
            json.WriteString("entitlement", r.Entitlement);
            json.WriteString("resource", r.Resource);
            json.WriteString("reviewer", r.Reviewer);
            json.WriteNumber("reviewerId", r.ReviewerId);
            json.WriteString("reviewerEmail", r.ReviewerEmail);
            json.WriteNumber("stage", r.Stage);
            json.WriteString("decision", r.Outcome?.ToString() ?? "Unreviewed");
            json.WriteString("justification", r.Justification);
            json.WriteString("decidedAt", Iso(r.DecidedAt));
            json.WriteString("recommendation", r.Recommendation.ToString());
            json.WriteString("recommendationReason", r.Reason);
            json.WriteString("evidenceHash", r.EvidenceHash);
            json.WriteString("remediationStatus", r.Remediation?.ToString());
            json.WritePropertyName("evidence");
            json.WriteRawValue(r.EvidenceJson, skipInputValidation: false);
            json.WriteEndObject();
            if (json.BytesPending > 64 * 1024)
            {
                await json.FlushAsync(cancellationToken);
            }
        }
        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// Every evidence snapshot taken after launch ("Refresh evidence"), with its hash, time and taker; the launch snapshots
    /// are in decisions.json (evidence and evidenceHash). Each evidence is written exactly as stored, so the SHA-256 of its
    /// UTF-8 text is its hash, as for the launch ones.
    /// </summary>
    private static async Task WriteSnapshotsAsync(ReviewPortalDbContext db, Campaign campaign, Stream stream, CancellationToken cancellationToken)
    {
        await using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false });
        json.WriteStartObject();
        json.WriteNumber("campaignId", campaign.Id);
        json.WriteString("launchSnapshots", "decisions.json: each item's evidence and evidenceHash, taken at launch");
        json.WriteStartArray("refreshedSnapshots");
        var snapshots = db.EvidenceSnapshots.AsNoTracking().Where(s => s.ReviewItem.CampaignId == campaign.Id).OrderBy(s => s.Id)
            .Select(s => new { s.ReviewItemId, s.Reason, s.TakenAt, s.TakenById, s.Hash, s.EvidenceJson }).AsAsyncEnumerable();
        await foreach (var s in snapshots.WithCancellation(cancellationToken))
        {
            json.WriteStartObject();
            json.WriteNumber("itemId", s.ReviewItemId);
            json.WriteString("reason", s.Reason == Domain.EvidenceSnapshotReason.Refresh ? "refresh" : "launch");
            json.WriteString("takenAt", Iso(s.TakenAt));
            if (s.TakenById is { } by)
            {
                json.WriteNumber("takenById", by);
            }
            json.WriteString("evidenceHash", s.Hash);
            json.WritePropertyName("evidence");
            json.WriteRawValue(s.EvidenceJson, skipInputValidation: false);
            json.WriteEndObject();
            if (json.BytesPending > 64 * 1024)
            {
                await json.FlushAsync(cancellationToken);
            }
        }
        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
    }

    private static async Task WriteReportAsync(ReviewPortalDbContext db, Campaign campaign, DateTimeOffset generatedAt, long? ledgerHead,
        Stream stream, CancellationToken cancellationToken)
    {
        var items = db.ReviewItems.AsNoTracking().Where(i => i.CampaignId == campaign.Id);
        var outcomes = await items.GroupBy(i => i.Outcome).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var recommendations = await items.GroupBy(i => i.Recommendation).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        // By reviewer id, never by name: two reviewers called the same would otherwise read as one (issue #15, 8).
        var reviewerCounts = await items.GroupBy(i => i.ReviewerId)
            .Select(g => new { Id = g.Key, Items = g.Count(), Decided = g.Count(i => i.Outcome != null), Keeps = g.Count(i => i.Outcome == DecisionOutcome.Keep) })
            .ToListAsync(cancellationToken);
        var reviewerIds = reviewerCounts.Select(r => r.Id).ToList();
        var reviewerPeople = await db.Identities.AsNoTracking().Where(i => reviewerIds.Contains(i.Id))
            .Select(i => new { i.Id, i.DisplayName, i.Email, i.Department }).ToDictionaryAsync(i => i.Id, cancellationToken);
        var reviewers = reviewerCounts
            .Select(r => new
            {
                Name = reviewerPeople.TryGetValue(r.Id, out var p) ? Humanize.Person(p.DisplayName, p.Email, p.Department) : $"Identity {r.Id}",
                r.Items, r.Decided, r.Keeps,
            })
            .OrderBy(r => r.Name, StringComparer.CurrentCulture).ToList();
        var exceptions = await items.Where(i => (i.Outcome == DecisionOutcome.Keep && (i.Recommendation == Recommendation.Revoke || i.Recommendation == Recommendation.Reduce))
                || i.Outcome == DecisionOutcome.Revoke || i.Outcome == DecisionOutcome.Reduce)
            .OrderBy(i => i.Id).Take(500)
            .Select(i => new
            {
                Identity = i.Identity.DisplayName, IdentityEmail = i.Identity.Email, IdentityDepartment = i.Identity.Department,
                Entitlement = i.Entitlement.DisplayName, i.Outcome, i.Recommendation, i.RecommendationReason, i.Justification,
                Reviewer = i.Reviewer.DisplayName, ReviewerEmail = i.Reviewer.Email, ReviewerDepartment = i.Reviewer.Department,
            })
            .ToListAsync(cancellationToken);
        var total = outcomes.Sum(o => o.Count);

        await using var w = new StreamWriter(stream, new UTF8Encoding(false), 64 * 1024, leaveOpen: true);
        string H(object? value) => WebUtility.HtmlEncode(value?.ToString() ?? "");
        await w.WriteAsync($$"""
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Evidence: {{H(campaign.Name)}}</title>
            <style>body{font-family:system-ui,sans-serif;margin:2rem;color:#111}table{border-collapse:collapse;margin:.5rem 0 1.5rem}
            th,td{border:1px solid #bbb;padding:.25rem .5rem;text-align:left;font-size:.9rem}h1{margin-bottom:0}.muted{color:#444}
            @media print { body { margin: 0 } }</style></head><body>
            <h1>Access review evidence</h1><p class="muted">{{H(campaign.Name)}} · campaign #{{campaign.Id}} · {{H(Humanize.Campaign(campaign.Status))}} ·
            launched {{H(Iso(campaign.LaunchedAt))}} · due {{H(Iso(campaign.DueAt))}} · closed {{H(Iso(campaign.ClosedAt) ?? "—")}}</p>
            <p class="muted">Generated {{H(Iso(generatedAt))}} from the database and the audit ledger (head entry {{ledgerHead}}). File hashes are in manifest.json.</p>
            <h2>Summary</h2><p>{{total}} items, {{total - (outcomes.FirstOrDefault(o => o.Key == null)?.Count ?? 0)}} decided.</p>
            """);
        await w.WriteAsync(BarChart("Decisions", outcomes.Select(o => (o.Key is { } outcome ? Humanize.Outcome(outcome) : "Undecided", o.Count))));
        await w.WriteAsync(BarChart("Recommendations at launch", recommendations.Select(r => (RecommendationChip.Text(r.Key), r.Count))));
        await w.WriteAsync("<h2>Reviewers</h2><table><tr><th>Reviewer</th><th>Items</th><th>Decided</th><th>Completion</th><th>Approve (keep) rate</th></tr>");
        foreach (var r in reviewers)
        {
            await w.WriteAsync($"<tr><td>{H(r.Name)}</td><td>{r.Items}</td><td>{r.Decided}</td><td>{(r.Items == 0 ? 0 : 100.0 * r.Decided / r.Items):0}%</td><td>{(r.Decided == 0 ? "—" : $"{100.0 * r.Keeps / r.Decided:0}%")}</td></tr>");
        }
        await w.WriteAsync("</table><h2>Exceptions</h2><p class=\"muted\">Removals, and access kept against a remove recommendation (first 500; every item is in decisions.csv).</p><table><tr><th>Identity</th><th>Entitlement</th><th>Decision</th><th>Recommendation</th><th>Justification</th><th>Reviewer</th></tr>");
        foreach (var x in exceptions)
        {
            await w.WriteAsync($"<tr><td>{H(Humanize.Person(x.Identity, x.IdentityEmail, x.IdentityDepartment))}</td><td>{H(x.Entitlement)}</td><td>{H(x.Outcome is { } o ? Humanize.Outcome(o) : "Undecided")}</td><td>{H($"{RecommendationChip.Text(x.Recommendation)}: {x.RecommendationReason}")}</td><td>{H(x.Justification)}</td><td>{H(Humanize.Person(x.Reviewer, x.ReviewerEmail, x.ReviewerDepartment))}</td></tr>");
        }
        await w.WriteAsync("</table></body></html>");
        await w.FlushAsync(cancellationToken);
    }

    /// <summary>A horizontal bar chart as inline SVG with its numbers as text (prints, and reads without the picture).</summary>
    private static string BarChart(string title, IEnumerable<(string Label, int Count)> bars)
    {
        var list = bars.OrderByDescending(b => b.Count).ToList();
        var max = Math.Max(1, list.Select(b => b.Count).DefaultIfEmpty(0).Max());
        var sb = new StringBuilder($"<h2>{WebUtility.HtmlEncode(title)}</h2><svg role=\"img\" aria-label=\"{WebUtility.HtmlEncode(title)}\" width=\"520\" height=\"{list.Count * 26 + 4}\">");
        for (var i = 0; i < list.Count; i++)
        {
            var width = 300.0 * list[i].Count / max;
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{i * 26 + 17}\" font-size=\"13\">{WebUtility.HtmlEncode(list[i].Label)}</text>");
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"130\" y=\"{i * 26 + 4}\" width=\"{width:0.#}\" height=\"18\" fill=\"#1f4e79\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{136 + width:0.#}\" y=\"{i * 26 + 17}\" font-size=\"13\">{list[i].Count}</text>");
        }
        return sb.Append("</svg>").ToString();
    }

    private readonly record struct EvidenceFigures(string? ActiveDays, string? Events, string? LastActive, string? PeerMedian);

    private static EvidenceFigures Snapshot(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        static string? Read(JsonElement parent, string a, string b) =>
            parent.TryGetProperty(a, out var section) && section.TryGetProperty(b, out var value) && value.ValueKind != JsonValueKind.Null
                ? value.ToString() : null;
        return new(Read(root, "activity", "activeDays"), Read(root, "activity", "totalEvents"), Read(root, "activity", "lastActiveAt"),
            Read(root, "peers", "peerMedian"));
    }

    private static string? Iso(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

public sealed record EvidenceManifest(int CampaignId, string Campaign, DateTimeOffset GeneratedAt, long LedgerHeadSequence, string LedgerHeadHash,
    IReadOnlyList<EvidenceFile> Files);

public sealed record EvidenceFile(string Name, long Bytes, string Sha256);
