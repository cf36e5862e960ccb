using System.Net;
using System.Text.Json;
using ReviewPortal.Claude;
using ReviewPortal.Claude.Models;

namespace ReviewPortal.Tests.Claude;

/// <summary>Recorded JSON shapes from claude-api.md decode into the wire models.</summary>
public class WireDecodingTests
{
    // §1.4.4 example structure, plus the §1.4.3 envelope.
    private const string DocumentedActivityPage = """
    {
      "data": [
        {
          "id": "activity_01XyDMpzjS89pFZXqSFUBDr6",
          "created_at": "2026-04-02T10:15:30.123456Z",
          "organization_id": "org_01AbCdEf",
          "organization_uuid": "6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b",
          "actor": {
            "type": "user_actor",
            "email_address": "ada@northwind.example",
            "user_id": "user_01Ada",
            "ip_address": "10.1.2.3",
            "user_agent": "Mozilla/5.0"
          },
          "type": "claude_chat_created",
          "claude_chat_id": "claude_chat_01Xyz",
          "claude_project_id": "claude_proj_01Abc"
        },
        {
          "id": "activity_02",
          "created_at": "2026-04-02T10:14:00Z",
          "organization_id": null,
          "organization_uuid": null,
          "actor": { "type": "api_actor", "api_key_id": "apikey_01Key", "ip_address": "10.0.0.9", "user_agent": "sdk" },
          "type": "compliance_api_accessed",
          "request_id": "req_01", "url": "/v1/compliance/activities", "request_method": "GET", "status_code": 200
        }
      ],
      "has_more": true,
      "first_id": "activity_01XyDMpzjS89pFZXqSFUBDr6",
      "last_id": "activity_02"
    }
    """;

    [Fact]
    public void ActivityPage_DocumentedExample_DecodesCommonFieldsAndKeepsRawJson()
    {
        var page = ActivityDecoder.DecodePage(DocumentedActivityPage, "req_header");

        Assert.True(page.HasMore);
        Assert.Equal("activity_01XyDMpzjS89pFZXqSFUBDr6", page.FirstId);
        Assert.Equal("activity_02", page.LastId);
        Assert.Equal("req_header", page.RequestId);
        Assert.Empty(page.Malformed);
        var chat = page.Data[0];
        Assert.Equal(new DateTimeOffset(2026, 4, 2, 10, 15, 30, 123, TimeSpan.Zero).AddTicks(4560), chat.CreatedAt);
        Assert.Equal("claude_chat_created", chat.Type);
        Assert.Equal("org_01AbCdEf", chat.OrganizationId);
        Assert.Equal("6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b", chat.OrganizationUuid);
        Assert.Equal("user_actor", chat.Actor.Type);
        Assert.Equal("user_01Ada", chat.Actor.UserId);
        Assert.Equal("ada@northwind.example", chat.Actor.EmailAddress);
        Assert.Equal("10.1.2.3", chat.Actor.IpAddress);
        Assert.Equal("claude_chat_01Xyz", chat.GetString("claude_chat_id"));
        Assert.Null(chat.GetString("no_such_field"));
        Assert.Contains("\"claude_project_id\": \"claude_proj_01Abc\"", chat.RawJson, StringComparison.Ordinal);
        var api = page.Data[1];
        Assert.Null(api.OrganizationId);
        Assert.Equal("apikey_01Key", api.Actor.ApiKeyId);
        Assert.Equal("apikey_01Key", api.Actor.PrincipalId);
        Assert.Equal(200, api.Root.GetProperty("status_code").GetInt32());
    }

    [Theory]
    [InlineData("""{"type":"admin_api_key_actor","admin_api_key_id":"apikey_admin","ip_address":"1.1.1.1","user_agent":"x"}""", "admin_api_key_actor")]
    [InlineData("""{"type":"unauthenticated_user_actor","unauthenticated_email_address":null,"ip_address":"1.1.1.1","user_agent":"x"}""", "unauthenticated_user_actor")]
    [InlineData("""{"type":"anthropic_actor","email_address":null}""", "anthropic_actor")]
    [InlineData("""{"type":"system_actor","service":"session-reaper"}""", "system_actor")]
    [InlineData("""{"type":"scim_directory_sync_actor","workos_event_id":"event_1","directory_id":"directory_1","idp_connection_type":"OktaSCIMV2"}""", "scim_directory_sync_actor")]
    [InlineData("""{"type":"service_account_actor","service_account_id":"svac_01","ip_address":"1.1.1.1","user_agent":"x"}""", "service_account_actor")]
    [InlineData("""{"type":"federated_identity_actor","issuer":"https://token.actions.githubusercontent.com","subject":"repo:x","audience":["a","b"]}""", "federated_identity_actor")]
    [InlineData("""{"type":"federated_actor","provider":{"type":"aws","account_id":"123","signed_principal":"arn"},"subject":"role/x"}""", "federated_actor")]
    [InlineData("""{"type":"attested_device_actor","external_client_id":"ios-1","kid_hash":"abc"}""", "attested_device_actor")]
    [InlineData("""{"type":"teleporter_actor","beam_id":"b1"}""", "teleporter_actor")]
    [InlineData("""{"service":"no type at all"}""", "unknown")]
    [InlineData("""{"type":42}""", "unknown")]
    public void ActorUnion_EveryVariantAndUnknown_DecodesWithoutThrowing(string actorJson, string expectedType)
    {
        var json = $$"""{"data":[{"id":"activity_1","created_at":"2026-01-01T00:00:00Z","type":"future_type_v9","actor":{{actorJson}}}],"has_more":false}""";

        var page = ActivityDecoder.DecodePage(json);

        var activity = Assert.Single(page.Data);
        Assert.Equal(expectedType, activity.Actor.Type);
        Assert.Equal("future_type_v9", activity.Type);
        Assert.NotNull(activity.Actor.RawJson);
    }

    [Fact]
    public void ActorUnion_VariantSpecificFields_AreFlattened()
    {
        ActivityActor Decode(string json) => ActivityDecoder.DecodeActor(JsonDocument.Parse(json).RootElement);

        Assert.Equal("svac_01", Decode("""{"type":"service_account_actor","service_account_id":"svac_01"}""").ServiceAccountId);
        Assert.Equal("apikey_admin", Decode("""{"type":"admin_api_key_actor","admin_api_key_id":"apikey_admin"}""").AdminApiKeyId);
        Assert.Equal("session-reaper", Decode("""{"type":"system_actor","service":"session-reaper"}""").Service);
        var federated = Decode("""{"type":"federated_identity_actor","issuer":"https://issuer","subject":"sub-1","audience":["aud"]}""");
        Assert.Equal(("https://issuer", "sub-1"), (federated.Issuer, federated.Subject));
        Assert.Equal(["aud"], federated.Audience!);
        var aws = Decode("""{"type":"federated_actor","provider":{"type":"oidc","issuer":"https://idp"},"subject":"s"}""");
        Assert.Equal(("oidc", "https://idp"), (aws.ProviderType, aws.Issuer));
        var scim = Decode("""{"type":"scim_directory_sync_actor","workos_event_id":"e","directory_id":"d","idp_connection_type":"AzureSCIMV2"}""");
        Assert.Equal("AzureSCIMV2", scim.IdpConnectionType);
    }

    [Fact]
    public void ActivityPage_RecordWithoutActor_GetsUnknownActor()
    {
        var page = ActivityDecoder.DecodePage("""{"data":[{"id":"a1","created_at":"2026-01-01T00:00:00Z","type":"x"}]}""");

        Assert.Equal(ActivityActor.UnknownType, Assert.Single(page.Data).Actor.Type);
        Assert.False(page.HasMore);
        Assert.Null(page.FirstId);
    }

    [Fact]
    public void ActivityPage_MalformedRecords_GoToMalformedWithReasonAndPageSurvives()
    {
        const string json = """
        {"data":[
          {"created_at":"2026-01-01T00:00:00Z","type":"claude_chat_created"},
          {"id":"a2","type":"claude_chat_created"},
          {"id":"a3","created_at":"yesterday","type":"claude_chat_created"},
          "not an object",
          {"id":"a5","created_at":"2026-01-01T00:00:05Z","type":"claude_chat_created","actor":{"type":"user_actor","user_id":"user_1"}}
        ],"has_more":false,"first_id":"a5","last_id":"a5"}
        """;

        var page = ActivityDecoder.DecodePage(json);

        Assert.Equal("a5", Assert.Single(page.Data).Id);
        Assert.Equal(4, page.Malformed.Count);
        Assert.Equal("missing id", page.Malformed[0].Reason);
        Assert.Equal("missing created_at", page.Malformed[1].Reason);
        Assert.Contains("unparseable created_at 'yesterday'", page.Malformed[2].Reason, StringComparison.Ordinal);
        Assert.Contains("not an object", page.Malformed[3].Reason, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"claude_chat_created\"", page.Malformed[0].RawJson, StringComparison.Ordinal);
    }

    [Fact]
    public void ActivityPage_BrokenEnvelope_Throws()
    {
        Assert.ThrowsAny<JsonException>(() => ActivityDecoder.DecodePage("{\"data\": [ {\"id\": <html>"));
        Assert.ThrowsAny<JsonException>(() => ActivityDecoder.DecodePage("{\"data\": 5}"));
    }

    [Fact]
    public void ActivityPage_BrokenEnvelope_MoreShapes_Throw()
    {
        Assert.ThrowsAny<JsonException>(() => ActivityDecoder.DecodePage("[]"));
        Assert.ThrowsAny<JsonException>(() => ActivityDecoder.DecodePage("{\"data\": null}"));
        Assert.ThrowsAny<JsonException>(() => ActivityDecoder.DecodePage("{\"data\": []} trailing"));
        Assert.ThrowsAny<JsonException>(() => ActivityDecoder.DecodePage("{\"data\": [], \"has_more\": tru}"));
        Assert.ThrowsAny<JsonException>(() => ActivityDecoder.DecodePage(""));
    }

    /// <summary>
    /// The page decoder reads bytes in one pass; the per-record <see cref="ActivityDecoder.TryDecode"/> reads a document.
    /// Both must see the same records: escapes, non-ASCII, odd value kinds, repeated keys, other timestamp forms, nesting.
    /// </summary>
    [Fact]
    public void ActivityPage_ForwardReader_DecodesEveryRecordAsTheDocumentDecoderDoes()
    {
        string[] records =
        [
            """{"id":"a1","created_at":"2026-01-01T00:00:00Z","type":"claude_chat_created","actor":{"type":"user_actor","user_id":"user_1","email_address":"z\u00fcrich@example.com","ip_address":"::1","user_agent":"Mozilla \"quoted\" \/ x"}}""",
            """{"id":"a\u0032","created_at":"2026-01-01T00:00:00.1234567Z","type":"t\n","organization_id":null,"organization_uuid":"6f1e2d3c","actor":{"type":"api_actor","api_key_id":"apikey_1"},"extra":{"deep":[1,2,{"x":[true,false,null]}]}}""",
            """{"id":"a3","created_at":"2026-01-01T02:00:00+02:00","type":"x","actor":{"type":"federated_actor","provider":{"type":"oidc","issuer":"https://idp","nested":{"a":1}},"subject":"s","audience":["a",1,"b",null]}}""",
            """{"id":"a4","created_at":"2026-01-01T00:00:00","type":"no zone: taken as UTC"}""",
            """{"id":"a5","created_at":"2026-01-01T00:00:00Z","type":"first","type":"second","actor":{"type":"user_actor"},"actor":"not an object"}""",
            """{"id":"a6","created_at":"2026-01-01T00:00:00\u005A","type":"escaped timestamp","actor":{"type":"federated_identity_actor","issuer":"https://i","audience":"not a list"}}""",
            """{"id":"a7","created_at":"2026-01-01T00:00:00Z","type":42,"organization_uuid":["x"],"actor":{"type":"service_account_actor","service_account_id":"svac_1","issuer":null}}""",
            """{"id":"","created_at":"2026-01-01T00:00:00Z"}""",
            """{"id":7,"created_at":"2026-01-01T00:00:00Z"}""",
            """{"id":"a10","created_at":5}""",
            """{"id":"a11","created_at":"2026-13-01T00:00:00Z"}""",
            """{"id":"a12","created_at":"2026-01-01T00:00:00Z","actor":{"type":"scim_directory_sync_actor","workos_event_id":"e","directory_id":"d","idp_connection_type":"OktaSCIMV2"},"日本":"語"}""",
            """{"id":"a13","created_at":"2026-01-01T00:00:00Z","actor":{"type":"attested_device_actor","external_client_id":"ios","kid_hash":"h","unauthenticated_email_address":"u@x","admin_api_key_id":"k","service":"s"}}""",
            // Values repeated from records above (read once per page and shared).
            """{"id":"a14","created_at":"2026-01-01T00:00:01Z","type":"claude_chat_created","organization_uuid":"6f1e2d3c","actor":{"type":"api_actor","api_key_id":"apikey_1","ip_address":"::1"}}""",
            """{"id":"a15","created_at":"2026-01-01T00:00:02Z","type":"x","actor":{"type":"scim_directory_sync_actor","workos_event_id":"e","directory_id":"d","idp_connection_type":"OktaSCIMV2"}}""",
            "[1,2]",
            "\"text\"",
            "12.5",
            "null",
            "true",
        ];
        var json = """{"has_more":true,"first_id":"a1","data":[ """ + string.Join(", ", records) + """ ],"last_id":"a13","ignored":{"data":5}}""";

        var page = ActivityDecoder.DecodePage(json);

        var expectedData = new List<string>();
        var expectedMalformed = new List<(string, string)>();
        using var document = JsonDocument.Parse(json);
        foreach (var item in document.RootElement.GetProperty("data").EnumerateArray())
        {
            var (activity, reason) = ActivityDecoder.TryDecode(item);
            if (activity is not null)
            {
                expectedData.Add(Describe(activity));
            }
            else
            {
                expectedMalformed.Add((item.GetRawText(), reason!));
            }
        }
        Assert.Equal(expectedData, page.Data.Select(Describe));
        Assert.Equal(expectedMalformed, page.Malformed.Select(m => (m.RawJson, m.Reason)));
        Assert.Equal(11, page.Data.Count);
        Assert.Equal(9, page.Malformed.Count);
        Assert.Same(page.Data[1].Actor.ApiKeyId, page.Data[9].Actor.ApiKeyId);
        Assert.True(page.HasMore);
        Assert.Equal(("a1", "a13"), (page.FirstId, page.LastId));
    }

    private static string Describe(Activity a)
    {
        var actor = a.Actor;
        return JsonSerializer.Serialize(new object?[]
        {
            a.Id, a.CreatedAt.UtcTicks, a.CreatedAt.Offset.Ticks, a.Type, a.OrganizationId, a.OrganizationUuid, a.RawJson,
            actor.Type, actor.UserId, actor.EmailAddress, actor.UnauthenticatedEmailAddress, actor.ApiKeyId, actor.AdminApiKeyId,
            actor.ServiceAccountId, actor.Issuer, actor.Subject, actor.Audience, actor.IpAddress, actor.UserAgent, actor.Service,
            actor.WorkosEventId, actor.DirectoryId, actor.IdpConnectionType, actor.ProviderType, actor.ExternalClientId, actor.KidHash,
            actor.RawJson,
        });
    }

    [Fact]
    public void Activity_GetStringArray_ReadsMemberIds()
    {
        var page = ActivityDecoder.DecodePage("""{"data":[{"id":"a","created_at":"2026-01-01T00:00:00Z","type":"group_member_added","group_id":"rbac_group_1","member_ids":["user_1","user_2"]}]}""");

        Assert.Equal(["user_1", "user_2"], page.Data[0].GetStringArray("member_ids"));
        Assert.Equal("rbac_group_1", page.Data[0].GetString("group_id"));
    }

    [Fact]
    public void DirectoryPages_DocumentedShapes_Decode()
    {
        var orgs = Deserialize<TokenPage<ComplianceOrganization>>("""{"data":[{"uuid":"6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b","name":"Acme","created_at":"2025-01-01T00:00:00Z"}],"has_more":true,"next_page":"tok_2"}""");
        var users = Deserialize<TokenPage<ComplianceUser>>("""{"data":[{"id":"user_01","email":"a@b.c","full_name":"Ada B","created_at":"2025-03-12T18:22:41.123456Z","organization_role":"membership_admin"}],"has_more":false,"next_page":null}""");
        var roles = Deserialize<TokenPage<ComplianceRole>>("""{"data":[{"id":"rbac_role_01","name":"Analysts","description":"d","created_at":"2025-03-12T18:22:41.123456","updated_at":null}],"has_more":false,"next_page":null}""");
        var groups = Deserialize<TokenPage<ComplianceGroup>>("""{"data":[{"id":"rbac_group_01","name":"eng","description":null,"source_type":"scim","roles":["rbac_role_01"],"created_at":"2025-03-12T18:22:41","updated_at":"2025-03-12T18:22:41"}],"has_more":false,"next_page":null}""");
        var members = Deserialize<TokenPage<ComplianceGroupMember>>("""{"data":[{"user_id":"user_01","email":"a@b.c","created_at":"2025-03-12T18:22:41Z","updated_at":"2025-03-12T18:22:41Z"}],"has_more":false,"next_page":null}""");

        Assert.Equal(("6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b", "Acme", true, "tok_2"), (orgs.Data[0].Uuid, orgs.Data[0].Name, orgs.HasMore, orgs.NextPage));
        Assert.Equal(("user_01", "Ada B", "membership_admin"), (users.Data[0].Id, users.Data[0].FullName, users.Data[0].OrganizationRole));
        // No zone in the documented example: read as UTC, not local time.
        Assert.Equal(new DateTimeOffset(2025, 3, 12, 18, 22, 41, TimeSpan.Zero).AddTicks(1234560), roles.Data[0].CreatedAt);
        Assert.Null(roles.Data[0].UpdatedAt);
        Assert.Equal(("scim", "rbac_role_01"), (groups.Data[0].SourceType, groups.Data[0].Roles![0]));
        Assert.Equal(TimeSpan.Zero, groups.Data[0].CreatedAt!.Value.Offset);
        Assert.Equal("user_01", members.Data[0].UserId);
    }

    [Fact]
    public void AdminPages_DocumentedShapes_Decode()
    {
        var users = Deserialize<CursorPage<AdminUser>>("""{"data":[{"id":"user_01","type":"user","email":"a@b.c","name":"Ada","role":"developer","added_at":"2024-10-30T23:58:27.427722Z"}],"has_more":true,"first_id":"user_01","last_id":"user_01"}""");
        var workspaces = Deserialize<CursorPage<Workspace>>("""{"data":[{"id":"wrkspc_01","type":"workspace","name":"prod","created_at":"2024-10-30T23:58:27Z","archived_at":null,"display_color":"#6C5BB9","tags":{},"data_residency":{"workspace_geo":"us"}}],"has_more":false,"first_id":"wrkspc_01","last_id":"wrkspc_01"}""");
        var members = Deserialize<CursorPage<WorkspaceMember>>("""{"data":[{"type":"workspace_member","user_id":"user_01","workspace_id":"wrkspc_01","workspace_role":"workspace_restricted_developer"}],"has_more":false,"first_id":"user_01","last_id":"user_01"}""");
        var keys = Deserialize<CursorPage<ApiKey>>("""
            {"data":[{"id":"apikey_01","type":"api_key","name":"prod-backend","status":"inactive","created_at":"2024-10-30T23:58:27Z",
              "created_by":{"id":"user_01","type":"user"},"principal":{"id":"svac_01","type":"service_account"},
              "expires_at":null,"partial_key_hint":"sk-ant-api03-R2D...igAA","workspace_id":null}],
             "has_more":false,"first_id":"apikey_01","last_id":"apikey_01"}
            """);

        Assert.Equal(("user_01", "developer", true, "user_01"), (users.Data[0].Id, users.Data[0].Role, users.HasMore, users.LastId));
        Assert.Equal(("wrkspc_01", "prod", null), (workspaces.Data[0].Id, workspaces.Data[0].Name, workspaces.Data[0].ArchivedAt));
        Assert.Equal("workspace_restricted_developer", members.Data[0].WorkspaceRole);
        var key = keys.Data[0];
        Assert.Equal(("inactive", "user_01", "svac_01", "service_account"), (key.Status, key.CreatedBy!.Id, key.Principal!.Id, key.Principal.Type));
        Assert.Equal("sk-ant-api03-R2D...igAA", key.PartialKeyHint);
        Assert.Null(key.WorkspaceId);
        Assert.Null(key.ExpiresAt);
    }

    [Theory]
    [InlineData("""{"error":{"type":"permission_error","message":"Missing required scopes. Got: [] Needed: [read:compliance_org_data]"}}""", null)]
    [InlineData("""{"type":"error","error":{"type":"permission_error","message":"Missing required scopes. Got: [] Needed: [read:compliance_org_data]"},"request_id":"req_body"}""", "req_body")]
    public void ErrorBody_BothDocumentedForms_Parse(string body, string? expectedRequestId)
    {
        var error = ClaudeApiException.FromResponse(HttpStatusCode.Forbidden, body, null);

        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Equal("permission_error", error.ErrorType);
        Assert.StartsWith("Missing required scopes", error.ApiMessage, StringComparison.Ordinal);
        Assert.Equal(expectedRequestId, error.RequestId);
    }

    [Fact]
    public void ErrorBody_NotJson_StillGivesStatus()
    {
        var error = ClaudeApiException.FromResponse(HttpStatusCode.BadGateway, "<html>bad gateway</html>", "req_1");

        Assert.Null(error.ErrorType);
        Assert.Equal("req_1", error.RequestId);
        Assert.Contains("502", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A failed call is said one way wherever it is shown or recorded (a run's error, the key check, remediation): the
    /// status number, the type and the message, with a placeholder where the API gave none, never an empty gap.
    /// </summary>
    [Fact]
    public void ErrorSummary_OneWordingForRunsChecksAndRemediation()
    {
        var typed = ClaudeApiException.FromResponse(HttpStatusCode.TooManyRequests,
            """{"type":"error","error":{"type":"rate_limit_error","message":"Slow down."},"request_id":"req_9"}""", null);
        var bare = ClaudeApiException.FromResponse(HttpStatusCode.BadGateway, "<html>bad gateway</html>", null);

        Assert.Equal("429 rate_limit_error: Slow down.", typed.Summary);
        Assert.Equal("429 rate_limit_error: Slow down. (request-id req_9)", typed.SummaryWithRequestId);
        Assert.Equal("502 (no error type): (no message)", ReviewPortal.Web.Features.Connectors.ConnectorError.Describe(bare));
        Assert.Equal(bare.Summary, bare.SummaryWithRequestId);
    }

    [Theory]
    [InlineData("sk-ant-api01-R2D2C3POsecretsecretsecretsecretBB8igAA", "sk-ant-api01-R2D...igAA")]
    [InlineData("sk-ant-admin01-Xwing0secretsecretsecretsecretTIEfYoda", "sk-ant-admin01-Xwi...Yoda")]
    [InlineData("short", "...")]
    [InlineData(null, "(none)")]
    public void KeyHint_For_RevealsOnlyPrefixAndEdges(string? key, string expected) => Assert.Equal(expected, KeyHint.For(key));

    private static T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, ClaudeJson.Options)!;
}
