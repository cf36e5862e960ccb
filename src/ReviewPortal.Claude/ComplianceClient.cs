using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReviewPortal.Claude.Models;
using ReviewPortal.Claude.Resilience;

namespace ReviewPortal.Claude;

/// <summary>Read access to the Compliance API: the Activity Feed and the directory.</summary>
public interface IComplianceClient
{
    /// <summary>One page of <c>GET /v1/compliance/activities</c>. Retries happen inside; the cursor is never advanced for you.</summary>
    Task<ActivityPage> ListActivitiesAsync(ActivityQuery query, CancellationToken ct = default);

    IAsyncEnumerable<ComplianceOrganization> ListOrganizationsAsync(CancellationToken ct = default);

    IAsyncEnumerable<ComplianceUser> ListOrganizationUsersAsync(string orgUuid, CancellationToken ct = default);

    IAsyncEnumerable<ComplianceRole> ListRolesAsync(string orgUuid, CancellationToken ct = default);

    IAsyncEnumerable<ComplianceGroup> ListGroupsAsync(string? namePrefix = null, CancellationToken ct = default);

    IAsyncEnumerable<ComplianceGroupMember> ListGroupMembersAsync(string groupId, CancellationToken ct = default);
}

/// <summary>Typed HttpClient for <c>/v1/compliance/*</c>, authenticated with the Compliance key.</summary>
public sealed class ComplianceClient : IComplianceClient
{
    private readonly ClaudeHttp _http;
    private readonly int _pageSize;

    public ComplianceClient(HttpClient http, IOptions<ClaudeOptions> options, ClaudeRateLimitGate gate, TimeProvider time, ILogger<ComplianceClient> logger)
    {
        _http = new ClaudeHttp(http, options.Value.ComplianceKey, options.Value.MaxRetryAfter, gate, time, logger);
        _pageSize = options.Value.DirectoryPageSize;
    }

    public async Task<ActivityPage> ListActivitiesAsync(ActivityQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var queryString = query.ToQueryString();
        var path = queryString.Length == 0 ? "/v1/compliance/activities" : $"/v1/compliance/activities?{queryString}";
        return await _http.GetUtf8Async(path, static (body, requestId) =>
        {
            try
            {
                return ActivityDecoder.DecodePage(body, requestId);
            }
            catch (System.Text.Json.JsonException ex)
            {
                // The envelope itself is broken: nothing on the page can be trusted, so the caller must retry
                // the same cursor rather than skip it.
                throw new ClaudeApiException(System.Net.HttpStatusCode.OK, "invalid_response", $"Unreadable activity page: {ex.Message}", requestId);
            }
        }, ct).ConfigureAwait(false);
    }

    public IAsyncEnumerable<ComplianceOrganization> ListOrganizationsAsync(CancellationToken ct = default) =>
        ListPagesAsync<ComplianceOrganization>("/v1/compliance/organizations", null, ct);

    public IAsyncEnumerable<ComplianceUser> ListOrganizationUsersAsync(string orgUuid, CancellationToken ct = default) =>
        ListPagesAsync<ComplianceUser>($"/v1/compliance/organizations/{Uri.EscapeDataString(orgUuid)}/users", null, ct);

    public IAsyncEnumerable<ComplianceRole> ListRolesAsync(string orgUuid, CancellationToken ct = default) =>
        ListPagesAsync<ComplianceRole>($"/v1/compliance/organizations/{Uri.EscapeDataString(orgUuid)}/roles", null, ct);

    public IAsyncEnumerable<ComplianceGroup> ListGroupsAsync(string? namePrefix = null, CancellationToken ct = default) =>
        ListPagesAsync<ComplianceGroup>("/v1/compliance/groups", namePrefix is null ? null : ("name_prefix", namePrefix), ct);

    public IAsyncEnumerable<ComplianceGroupMember> ListGroupMembersAsync(string groupId, CancellationToken ct = default) =>
        ListPagesAsync<ComplianceGroupMember>($"/v1/compliance/groups/{Uri.EscapeDataString(groupId)}/members", null, ct);

    private async IAsyncEnumerable<T> ListPagesAsync<T>(string path, (string Key, string Value)? filter, [EnumeratorCancellation] CancellationToken ct)
    {
        string? page = null;
        while (true)
        {
            var query = new QueryBuilder().Add("limit", _pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)).Add("page", page);
            if (filter is { } f)
            {
                query.Add(f.Key, f.Value);
            }

            var (result, _) = await _http.GetAsync<TokenPage<T>>(query.AppendTo(path), ct).ConfigureAwait(false);
            foreach (var item in result.Data)
            {
                yield return item;
            }

            // Stop on either signal: some page-token lists omit has_more and only null next_page.
            if (!result.HasMore || string.IsNullOrEmpty(result.NextPage))
            {
                yield break;
            }

            page = result.NextPage;
        }
    }
}
