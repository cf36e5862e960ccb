using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Features.Reviews;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Features.Audit;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Identities;

namespace ReviewPortal.Tests.Features.Campaigns;

/// <summary>
/// Two reviewers with the same name (issue #15, 8): the dashboard and the evidence report keep them apart (grouped by id)
/// and show what tells them apart (their email).
/// </summary>
public sealed class SameNameReviewersTests(PortalAppFactory portal) : IClassFixture<PortalAppFactory>
{
    /// <summary>Manager B renamed to Manager A's name: two reviewers, one name.</summary>
    private async Task<TwoTeams> NamesakesAsync()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        await using var db = await portal.CreateDbContextAsync();
        await db.Identities.Where(i => i.Id == teams.ManagerB.Id).ExecuteUpdateAsync(s => s.SetProperty(i => i.DisplayName, teams.ManagerA.DisplayName));
        return teams;
    }

    [Fact]
    public async Task Dashboard_TwoReviewersShareAName_OneRowEachWithTheirEmail()
    {
        var teams = await NamesakesAsync();

        var dashboard = await portal.GetRequiredService<GetCampaignDashboard>().HandleAsync(teams.Admin, teams.CampaignId);

        Assert.True(dashboard.Ok, dashboard.Refusal?.Message);
        var a = Assert.Single(dashboard.Value.Reviewers, r => r.ReviewerId == teams.ManagerA.Id);
        var b = Assert.Single(dashboard.Value.Reviewers, r => r.ReviewerId == teams.ManagerB.Id);
        Assert.Equal(a.Name, b.Name);
        Assert.Equal((5, 2), (a.Items, b.Items));
        Assert.Equal(($"{teams.ManagerA.DisplayName} · {teams.ManagerA.Email}", $"{teams.ManagerA.DisplayName} · {teams.ManagerB.Email}"), (a.Label, b.Label));
    }

    [Fact]
    public async Task EvidenceReport_TwoReviewersShareAName_TwoRowsByIdWithTheirEmails()
    {
        var teams = await NamesakesAsync();
        using var output = new MemoryStream();

        var manifest = await portal.GetRequiredService<ExportEvidencePack>().WriteAsync(teams.Compliance, teams.CampaignId, output, $"test-{Guid.NewGuid():N}");

        Assert.True(manifest.Ok, manifest.Refusal?.Message);
        using var zip = new ZipArchive(new MemoryStream(output.ToArray()), ZipArchiveMode.Read);
        using var reader = new StreamReader(zip.GetEntry("report.html")!.Open(), Encoding.UTF8);
        var report = WebUtility.HtmlDecode(await reader.ReadToEndAsync());
        var reviewerRows = Regex.Matches(report, @"<tr><td>([^<]*)</td><td>(\d+)</td><td>(\d+)</td><td>\d+%</td>")
            .Select(m => (Reviewer: m.Groups[1].Value, Items: int.Parse(m.Groups[2].Value))).ToList();
        // Before: one row "Manager A" with 7 items (5 + 2).
        Assert.Contains(($"{teams.ManagerA.DisplayName} · {teams.ManagerA.Email}", 5), reviewerRows);
        Assert.Contains(($"{teams.ManagerA.DisplayName} · {teams.ManagerB.Email}", 2), reviewerRows);
        Assert.DoesNotContain(reviewerRows, r => r.Items == 7);
    }

    [Fact]
    public async Task EvidenceReport_Enums_ReadAsWords()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        using var output = new MemoryStream();

        var manifest = await portal.GetRequiredService<ExportEvidencePack>().WriteAsync(teams.Compliance, teams.CampaignId, output, $"test-{Guid.NewGuid():N}");

        Assert.True(manifest.Ok, manifest.Refusal?.Message);
        using var zip = new ZipArchive(new MemoryStream(output.ToArray()), ZipArchiveMode.Read);
        using var reader = new StreamReader(zip.GetEntry("report.html")!.Open(), Encoding.UTF8);
        var report = await reader.ReadToEndAsync();
        // Gone's key is recommended "look closer": the chart says it in words, never the enum name.
        Assert.Contains(">Look closer<", report, StringComparison.Ordinal);
        Assert.Contains(">Undecided<", report, StringComparison.Ordinal);
        Assert.DoesNotContain("LookCloser", report, StringComparison.Ordinal);
        Assert.DoesNotContain(">Unreviewed<", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SearchPeople_TwoPeopleShareAName_OptionsShowTheirEmails()
    {
        var teams = await NamesakesAsync();

        var people = await portal.GetRequiredService<SearchPeople>().HandleAsync(teams.Admin, teams.ManagerA.DisplayName);

        Assert.True(people.Ok, people.Refusal?.Message);
        string[] expected = [$"{teams.ManagerA.DisplayName} (Engineer) · {teams.ManagerA.Email}", $"{teams.ManagerA.DisplayName} (Engineer) · {teams.ManagerB.Email}"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), people.Value.Select(p => p.ToString()).Order(StringComparer.Ordinal));
    }
}
