using Tessera.Core.Errors;

namespace Tessera.Data.Tests;

public class DatabaseTargetTests
{
    [Fact]
    public void No_setting_means_a_sqlite_file_in_the_data_dir()
    {
        var target = DatabaseTarget.Parse(null, "/var/lib/tessera");
        Assert.Equal(SqlDialect.Sqlite, target.Dialect);
        Assert.Equal("/var/lib/tessera/tessera.db", target.ConnectionString);
    }

    [Fact]
    public void A_postgres_url_becomes_a_connection_string_with_credentials_hidden_from_display()
    {
        var target = DatabaseTarget.Parse("postgres://app:s%40cret@db.example:6543/tessera?sslmode=disable", "/d");
        Assert.Equal(SqlDialect.Postgres, target.Dialect);
        Assert.Contains("Password=s@cret", target.ConnectionString, StringComparison.Ordinal);
        Assert.Contains("Port=6543", target.ConnectionString, StringComparison.Ordinal);
        Assert.Equal("postgres://db.example:6543/tessera", target.Display);
        Assert.DoesNotContain("cret", target.Display, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgres://host-only")]
    [InlineData("postgres://u:p@host:5432/")]
    [InlineData("postgres://u:p@host:5432/db?nonsense_option=1")]
    public void Malformed_postgres_urls_are_rejected_without_echoing_passwords(string url)
    {
        var error = Assert.Throws<TesseraException>(() => DatabaseTarget.Parse(url, "/d"));
        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        Assert.DoesNotContain(":p@", error.Message, StringComparison.Ordinal);
    }
}
