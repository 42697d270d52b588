# The Rust half of the build: cargo arguments, building, bindings regeneration and tests.

function Get-CargoArguments {
    # Arguments every cargo call shares: the profile, and on machines without crates.io the
    # vendored-crates config that sits in ../shared beside the repository. A user's normal
    # machine has no such file and builds from crates.io.
    param([Parameter(Mandatory)] [string] $RepoRoot, [Parameter(Mandatory)] [string] $Configuration)
    $arguments = @()
    if ($Configuration -eq 'Release') { $arguments += '--release' }
    $offline = Join-Path (Split-Path $RepoRoot -Parent) 'shared/cargo-offline.toml'
    if (Test-Path -LiteralPath $offline -PathType Leaf) {
        $arguments += '--config', (Resolve-Path -LiteralPath $offline).Path
    }
    $arguments
}

function Get-CargoProfileDir {
    # target/<profile> (target/<triple>/<profile> for a cargo --target build), honouring CARGO_TARGET_DIR.
    param([Parameter(Mandatory)] [string] $RepoRoot, [Parameter(Mandatory)] [string] $Configuration, [string] $Target)
    $root = if ($env:CARGO_TARGET_DIR) { $env:CARGO_TARGET_DIR } else { Join-Path $RepoRoot 'target' }
    if ($Target) { $root = Join-Path $root $Target }
    Join-Path $root ($Configuration -eq 'Release' ? 'release' : 'debug')
}

function Get-CargoPackageNames {
    # Names of the workspace's packages, from cargo metadata (so a missing crate is noticed
    # from cargo's point of view, not by guessing folder names).
    param([Parameter(Mandatory)] [string] $RepoRoot, [Parameter(Mandatory)] [string[]] $CargoArgs)
    $configArgs = @($CargoArgs | Where-Object { $_ -ne '--release' })
    $json = & cargo metadata --no-deps --format-version 1 @configArgs --manifest-path (Join-Path $RepoRoot 'Cargo.toml')
    if ($LASTEXITCODE -ne 0) { throw "cargo metadata failed (exit code $LASTEXITCODE)." }
    @(($json | ConvertFrom-Json).packages.name)
}

function Invoke-CargoBuild {
    # Builds the FFI cdylib, the Graph emulator and, when it exists, the bindings generator,
    # in ONE cargo invocation: cargo unifies features over the packages it builds together, so
    # a separate `cargo run -p entra-bindgen` would rebuild entra-core and entra-ffi with a
    # different feature set (minutes with LTO). Returns whether entra-bindgen was built.
    param([Parameter(Mandatory)] [string] $RepoRoot, [Parameter(Mandatory)] [string[]] $CargoArgs)
    $packages = @('entra-ffi', 'graph-emulator')
    $withBindgen = (Get-CargoPackageNames $RepoRoot $CargoArgs) -contains 'entra-bindgen'
    if ($withBindgen) { $packages += 'entra-bindgen' }
    Write-Step "cargo build ($($packages -join ', '))"
    $selection = $packages | ForEach-Object { '-p', $_ }
    Invoke-Native cargo (@('build') + $CargoArgs + $selection) -What 'cargo build'
    $withBindgen
}

function Update-Bindings {
    # Regenerates cmdlets/Native/Interop.g.cs from the FFI crate's inventory, and Contract.g.cs
    # and Records.g.cs beside it from its contract and its JSON documents (the equivalent of
    # `cargo run -p entra-bindgen -- cmdlets/Native/Interop.g.cs`, with the binary just built).
    # The files are committed, so a change to the Rust API shows as a diff, and the staleness
    # test in cargo test catches a forgotten regeneration.
    param([Parameter(Mandatory)] [string] $RepoRoot, [Parameter(Mandatory)] [string] $Configuration)
    $generator = Join-Path (Get-CargoProfileDir $RepoRoot $Configuration) (Get-ExecutableName 'entra-bindgen')
    Write-Step 'Regenerating cmdlets/Native/Interop.g.cs, Contract.g.cs and Records.g.cs'
    Invoke-Native $generator @('cmdlets/Native/Interop.g.cs') -What 'Binding generation'
}

function Invoke-CargoTest {
    # Runs the whole workspace's tests and returns their counts. Does not throw on failure:
    # the Test task reports cargo and Pester results together.
    param([Parameter(Mandatory)] [string] $RepoRoot, [Parameter(Mandatory)] [string[]] $CargoArgs)
    Write-Step 'cargo test --workspace'
    $arguments = @('test', '--workspace') + $CargoArgs
    Write-Host "> cargo $($arguments -join ' ')" -ForegroundColor DarkGray
    # Only stdout (where the 'test result:' lines are) is captured; progress and compiler
    # messages on stderr go straight to the console.
    $lines = [System.Collections.Generic.List[string]]::new()
    & cargo @arguments | ForEach-Object { $lines.Add("$_"); Write-Host $_ }
    $exitCode = $LASTEXITCODE

    $counts = [ordered]@{ ExitCode = $exitCode; Passed = 0; Failed = 0; Skipped = 0 }
    foreach ($line in $lines) {
        if ($line -match '^test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored') {
            $counts.Passed += [int]$Matches[1]
            $counts.Failed += [int]$Matches[2]
            $counts.Skipped += [int]$Matches[3]
        }
    }
    [pscustomobject]$counts
}
