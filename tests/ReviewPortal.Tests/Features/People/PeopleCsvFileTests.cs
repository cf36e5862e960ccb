using ReviewPortal.Web.Features.People;

namespace ReviewPortal.Tests.Features.People;

public sealed class PeopleCsvFileTests
{
    private static PeopleCsvFile.Result Read(string text) => PeopleCsvFile.Read(new StringReader(text));

    [Fact]
    public void GoodFile_EveryPersonWithTheirManagerStatusAndDate()
    {
        var result = Read("""
            Email,Name,Department,Title,Manager Email,Status,Left Date
            Maria.Lead@Northwind.example,Maria Lead,Engineering,Director,,active,
            bob@northwind.example,"Builder, Bob",Engineering,Engineer,maria.lead@northwind.example,,
            carl@northwind.example,Carl Left,Sales,Rep,maria.lead@northwind.example,LEFT,2026-10-31
            """);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var people = result.Read!.People.ToDictionary(p => p.SourceId);
        Assert.True(result.Read.IsComplete);
        Assert.Equal(new SourcePerson("maria.lead@northwind.example", "maria.lead@northwind.example", "Maria Lead", "Engineering",
            "Director", null, true, null), people["maria.lead@northwind.example"]);
        Assert.Equal(("Builder, Bob", "maria.lead@northwind.example", true), (people["bob@northwind.example"].FullName,
            people["bob@northwind.example"].ManagerSourceId, people["bob@northwind.example"].Employed));
        Assert.Equal((false, new DateTimeOffset(2026, 10, 31, 0, 0, 0, TimeSpan.Zero)),
            (people["carl@northwind.example"].Employed, people["carl@northwind.example"].LeftAt));
    }

    [Fact]
    public void BadRows_RefusedWholeWithEveryErrorByLineNumber()
    {
        var result = Read("""
            email,name,department,title,manager_email,status,left_date
            ann@northwind.example,Ann,Sales,Rep,,active,
            not-an-address,Bob,Sales,Rep,,active,
            ann@northwind.example,Ann Again,Sales,Rep,,active,
            carl@northwind.example,,Sales,Rep,nobody@northwind.example,retired,31/10/2026
            dora@northwind.example,Dora,Sales,Rep,,active,
            """);

        Assert.False(result.IsValid);
        Assert.Null(result.Read);
        Assert.Equal(
        [
            "Line 3: 'not-an-address' is not an email address.",
            "Line 4: ann@northwind.example is already on line 2.",
            "Line 5: name is empty.",
            "Line 5: status 'retired' is neither 'active' nor 'left'.",
            "Line 5: left_date '31/10/2026' is not a date like 2026-11-30.",
        ], result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void ManagerNotInTheFile_RefusedNamingTheLine()
    {
        var result = Read("""
            email,name,manager_email
            ann@northwind.example,Ann,
            bob@northwind.example,Bob,anne@northwind.example
            """);

        Assert.Equal(["Line 3: manager anne@northwind.example is not in the file."], result.Errors.Select(e => e.ToString()));
    }

    [Theory]
    [InlineData("", "The file is empty")]
    [InlineData("mail,full name\nann@northwind.example,Ann", "The header has no 'email' or 'name' column.")]
    public void NoUsableHeader_RefusedWithWhatIsMissing(string text, string message)
    {
        var error = Assert.Single(Read(text).Errors);
        Assert.Contains(message, error.Message);
    }
}
