using System.Text.Json;
using Microsoft.Data.Sqlite;
using ReviewPortal.Tests.Infrastructure.Operations;

namespace ReviewPortal.Tests.Features.People;

/// <summary>`import-people --csv FILE` as an operator runs it: the same import as the Connectors page, in a child process.</summary>
public sealed class ImportPeopleVerbTests : IDisposable
{
    private readonly PortalProcess _portal = new();

    public void Dispose() => _portal.Dispose();

    private Dictionary<string, string> Environment() => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["Database__Provider"] = "Sqlite",
        ["ConnectionStrings__ReviewPortal"] = $"Data Source={Path.Combine(_portal.WorkingDirectory, "people.db")}",
        ["Claude__Mode"] = "Live",
        ["People__Source"] = "Csv",
        ["Demo__SeedOnStartup"] = "false",
    };

    private string Write(string name, string text)
    {
        var path = Path.Combine(_portal.WorkingDirectory, name);
        File.WriteAllText(path, text);
        return path;
    }

    private async Task<long> StoredPeopleAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_portal.WorkingDirectory, "people.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM DirectoryPeople";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task GoodFile_PreviewWritesNothing_ImportAppliesIt()
    {
        var file = Write("people.csv", "email,name,manager_email\nann@northwind.example,Ann,\nbob@northwind.example,Bob,ann@northwind.example\n");

        var preview = await _portal.RunAsync(Environment(), "import-people", "--csv", file, "--preview");

        Assert.True(preview.ExitCode == 0, preview.ToString());
        using (var summary = JsonDocument.Parse(preview.OutLines[^1]))
        {
            var result = summary.RootElement.GetProperty("result");
            Assert.Equal((false, 2), (result.GetProperty("applied").GetBoolean(), result.GetProperty("added").GetInt32()));
        }
        Assert.Equal(0, await StoredPeopleAsync());

        var import = await _portal.RunAsync(Environment(), "import-people", "--csv", file);

        Assert.True(import.ExitCode == 0, import.ToString());
        using (var summary = JsonDocument.Parse(import.OutLines[^1]))
        {
            Assert.True(summary.RootElement.GetProperty("result").GetProperty("applied").GetBoolean());
        }
        Assert.Equal(2, await StoredPeopleAsync());
    }

    [Fact]
    public async Task BadFile_EveryErrorByLineExitOneNothingImported()
    {
        var file = Write("bad.csv", "email,name\nann@northwind.example,Ann\nnot-an-address,Bob\ncarl@northwind.example,\n");

        var result = await _portal.RunAsync(Environment(), "import-people", "--csv", file);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Line 3: 'not-an-address' is not an email address.", result.OutLines);
        Assert.Contains("Line 4: name is empty.", result.OutLines);
        Assert.False(JsonDocument.Parse(result.OutLines[^1]).RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(0, await StoredPeopleAsync());
    }
}
