# Checks the tools a build needs and says, in one line, what to install when one is missing.

function Assert-Prerequisites {
    param([switch] $SkipCargo)

    if ($PSVersionTable.PSVersion -lt [version]'7.4') {
        Stop-Build "PowerShell 7.4 or later is required (found $($PSVersionTable.PSVersion)): install it from https://aka.ms/powershell"
    }

    if (-not $SkipCargo -and -not (Get-Command cargo -CommandType Application -ErrorAction Ignore)) {
        Stop-Build 'cargo was not found on PATH: install Rust (stable) with rustup from https://rustup.rs'
    }

    if (-not (Get-Command dotnet -CommandType Application -ErrorAction Ignore)) {
        Stop-Build '.NET SDK not found (dotnet is not on PATH): install the .NET SDK 8 or later from https://dot.net/download'
    }
    $sdkMajors = @(& dotnet --list-sdks 2>$null | ForEach-Object { if ($_ -match '^(\d+)\.') { [int]$Matches[1] } })
    if (-not ($sdkMajors | Where-Object { $_ -ge 8 })) {
        Stop-Build '.NET SDK 8 or later is required (dotnet --list-sdks shows none): install it from https://dot.net/download'
    }
}
