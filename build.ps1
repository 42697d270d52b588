#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests and demonstrates Microsoft.Graph.Entra.Rs.
.DESCRIPTION
    Build   : cargo build (entra-ffi, graph-emulator), regenerate cmdlets/Native/Interop.g.cs,
              dotnet build into bin/, copy the native library to runtimes/<rid>/native/,
              convert docs/help/*.md into en-US/ (MAML help and about topic).
              Afterwards `Import-Module ./Microsoft.Graph.Entra.Rs.psd1` works from the repo root.
    Test    : cargo test --workspace, Build, then Pester 5 on tests/ in a child pwsh
              (NUnit results in out/pester-results.xml). Exits non-zero when any test fails.
    Demo    : Build, then demo/demo.ps1 against the local Graph emulator.
    Bench   : Build, then bench/run.ps1: this module beside the Graph .NET SDK, ForEach-Object
              -Parallel, an Invoke-RestMethod loop and Microsoft.Entra's batch sample, against the
              emulator; writes docs/benchmarks.md and its charts. -Quick: a run of a few minutes
              that writes bench/results/quick/ instead.
    Native  : cargo build of the native library only, for -Runtime (a RID such as win-arm64;
              default this machine's, cross-compiling with cargo --target otherwise), installed
              into runtimes/<rid>/native/. The release workflow runs it once per runtime.
    Package : Build, then a gallery-ready module folder out/package/Microsoft.Graph.Entra.Rs/<version>/
              (every runtimes/<rid>/native/ present) and out/package/Microsoft.Graph.Entra.Rs.<version>.nupkg.
    Clean   : removes bin/, runtimes/, en-US/, out/, cmdlets/bin, cmdlets/obj (-Deep: also cargo clean, .tools/).
.EXAMPLE
    pwsh ./build.ps1 -Task Test -PesterFilter '*Environment*'
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Demo', 'Test', 'Bench', 'Native', 'Package', 'Clean')]
    [string] $Task = 'Build',

    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release',

    # Test: run only tests whose full name matches this wildcard (Pester Filter.FullName).
    [string] $PesterFilter,

    # Test: run only Pester tests with these tags.
    [string[]] $Tag,

    # Native: the runtime to build the library for (win-x64, win-arm64, osx-x64, osx-arm64,
    # linux-x64, linux-arm64); default: this machine's.
    [string] $Runtime,

    # Development aid: skip every cargo step (uses whatever is already in runtimes/).
    [switch] $SkipCargo,

    # Clean: also run cargo clean and remove .tools/.
    [switch] $Deep,

    # Bench: smaller sizes and fewer repeats (under 3 minutes); figures go to bench/results/quick/.
    [switch] $Quick
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$RepoRoot = $PSScriptRoot
. (Join-Path $RepoRoot 'build/Common.ps1')
. (Join-Path $RepoRoot 'build/Prerequisites.ps1')
. (Join-Path $RepoRoot 'build/Cargo.ps1')
. (Join-Path $RepoRoot 'build/Dotnet.ps1')
. (Join-Path $RepoRoot 'build/Install-NativeLibrary.ps1')
. (Join-Path $RepoRoot 'build/Install-Pester.ps1')
. (Join-Path $RepoRoot 'build/Pester.ps1')
. (Join-Path $RepoRoot 'build/Help.ps1')
. (Join-Path $RepoRoot 'build/Package.ps1')

function Invoke-BuildTask {
    Assert-Prerequisites -SkipCargo:$SkipCargo
    if (-not $SkipCargo) {
        $cargoArgs = Get-CargoArguments $RepoRoot $Configuration
        if (Invoke-CargoBuild $RepoRoot $cargoArgs) {
            Update-Bindings $RepoRoot $Configuration
        }
        else {
            Write-Warning 'Package entra-bindgen does not exist yet: bindings were not regenerated.'
        }
    }
    Invoke-DotnetBuild $RepoRoot $Configuration
    Invoke-HelpBuild $RepoRoot
    if (-not $SkipCargo) {
        Copy-NativeLibrary $RepoRoot $Configuration
    }
    Write-Host "Built. Import with: Import-Module $(Join-Path $RepoRoot 'Microsoft.Graph.Entra.Rs.psd1')" -ForegroundColor Green
}

function Invoke-TestTask {
    Assert-Prerequisites -SkipCargo:$SkipCargo
    # cargo test comes first: it includes the check that the committed bindings match the
    # Rust API, which would pass trivially once Build has regenerated them.
    # Tests use cargo's test profile whatever -Configuration says: release test binaries are
    # each LTO-linked and optimised, which costs far more than building the dependencies twice.
    $cargo = $null
    if (-not $SkipCargo) {
        $cargo = Invoke-CargoTest $RepoRoot (Get-CargoArguments $RepoRoot 'Debug')
    }
    Invoke-BuildTask
    $pester = Invoke-PesterTests -RepoRoot $RepoRoot -FullNameFilter $PesterFilter -Tag $Tag

    Write-Step 'Summary'
    $failed = $false
    $totals = @{ Passed = 0; Failed = 0; Skipped = 0 }
    foreach ($run in @(@{ Name = 'cargo test'; Result = $cargo }, @{ Name = 'Pester'; Result = $pester })) {
        $r = $run.Result
        if ($null -eq $r) { Write-Host "$($run.Name): skipped"; continue }
        Write-Host "$($run.Name): $($r.Passed) passed, $($r.Failed) failed, $($r.Skipped) skipped"
        if ($r.ExitCode -ne 0 -and $r.Failed -eq 0) {
            Write-Host "$($run.Name): exited with code $($r.ExitCode) (see the log above)" -ForegroundColor Red
        }
        $failed = $failed -or $r.ExitCode -ne 0 -or $r.Failed -gt 0
        foreach ($key in 'Passed', 'Failed', 'Skipped') { $totals[$key] += $r.$key }
    }
    # One closing line in the 'N passed, N failed' form CI log readers understand.
    Write-Host "Tests: $($totals.Passed) passed, $($totals.Failed) failed, $($totals.Skipped) skipped"
    if ($failed) { exit 1 }
}

function Invoke-ChildScript {
    # Runs a script in a fresh pwsh (so the freshly built module and native library load
    # cleanly) and fails the build when it fails.
    param([Parameter(Mandatory)] [string] $Path, [string[]] $Arguments = @())
    $emulator = Join-Path (Get-CargoProfileDir $RepoRoot $Configuration) (Get-ExecutableName 'graph-emulator')
    $previous = $env:GRAPH_EMULATOR_PATH
    try {
        # The harness defaults to target/release; tell it which emulator this build made.
        if (-not $SkipCargo) { $env:GRAPH_EMULATOR_PATH = $emulator }
        Invoke-Native (Get-PwshPath) (@('-NoProfile', '-File', $Path) + $Arguments) -What $Path
    }
    finally {
        $env:GRAPH_EMULATOR_PATH = $previous
    }
}

function Invoke-DemoTask {
    Invoke-BuildTask
    Write-Step 'Demo'
    Invoke-ChildScript (Join-Path $RepoRoot 'demo/demo.ps1')
}

function Invoke-BenchTask {
    Invoke-BuildTask
    $bench = Join-Path $RepoRoot 'bench/run.ps1'
    if (-not (Test-Path -LiteralPath $bench)) {
        Write-Warning 'bench/run.ps1 does not exist yet: nothing to run.'
        return
    }
    Write-Step "Bench$($Quick ? ' (quick)' : '')"
    Invoke-ChildScript $bench ($Quick ? @('-Quick') : @())
}

function Invoke-NativeTask {
    Assert-Prerequisites
    $rid = $Runtime ? $Runtime : (Get-RuntimeId)
    $target = Get-CargoTarget -RuntimeId $rid
    Write-Step "cargo build (entra-ffi) for $rid ($target)"
    $cargoArgs = @(Get-CargoArguments $RepoRoot $Configuration) + @('-p', 'entra-ffi', '--target', $target)
    Invoke-Native cargo (@('build') + $cargoArgs) -What 'cargo build'
    $fileName = Get-NativeFileName -RuntimeId $rid
    $source = Join-Path (Get-CargoProfileDir $RepoRoot $Configuration -Target $target) $fileName
    $installed = Install-NativeLibrary -Source $source -Destination (Join-Path $RepoRoot "runtimes/$rid/native/$fileName")
    Write-Host "Installed $($installed.Path)" -ForegroundColor Green
}

function Invoke-PackageTask {
    Invoke-BuildTask
    Write-Step 'Package'
    New-ModulePackage -RepoRoot $RepoRoot | Out-Null
}

function Invoke-CleanTask {
    Write-Step 'Clean'
    foreach ($relative in 'bin', 'runtimes', 'en-US', 'out', 'cmdlets/bin', 'cmdlets/obj') {
        Remove-Item -LiteralPath (Join-Path $RepoRoot $relative) -Recurse -Force -ErrorAction Ignore
    }
    if ($Deep) {
        Remove-Item -LiteralPath (Join-Path $RepoRoot '.tools') -Recurse -Force -ErrorAction Ignore
        if (Get-Command cargo -CommandType Application -ErrorAction Ignore) {
            $configArgs = @(Get-CargoArguments $RepoRoot 'Debug')
            Invoke-Native cargo (@('clean', '--manifest-path', (Join-Path $RepoRoot 'Cargo.toml')) + $configArgs) -What 'cargo clean'
        }
    }
}

# cargo, dotnet and the bindings generator take paths relative to the repository root.
Push-Location -LiteralPath $RepoRoot
try {
    switch ($Task) {
        'Build' { Invoke-BuildTask }
        'Test' { Invoke-TestTask }
        'Demo' { Invoke-DemoTask }
        'Bench' { Invoke-BenchTask }
        'Native' { Invoke-NativeTask }
        'Package' { Invoke-PackageTask }
        'Clean' { Invoke-CleanTask }
    }
}
catch {
    Write-Verbose $_.ScriptStackTrace
    Stop-Build "$Task failed: $($_.Exception.Message)"
}
finally {
    Pop-Location
}
