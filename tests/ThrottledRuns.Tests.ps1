# Runs under Graph's write quota (issue "throttled runs that waste almost nothing"), driven
# through Revoke-EntraUserAllRefreshToken against graph-emulator's token bucket: the pace is
# learned from the spacing of successes, so after the first contact nearly every request fits in
# the quota, whatever form the Retry-After takes. Nobody is lost and nobody retries early. No
# test bounds wall-clock time; they count requests and 429s (the emulator's stats).

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support/TestSetup.ps1')
    Import-Module (Join-Path $PSScriptRoot 'Support/EmulatorHarness.psm1') -Force

    $Emulator = Start-GraphEmulator -Users 300
    $EnvironmentName = Add-GraphEmulatorEnvironment -Name 'ThrottledRuns' -Emulator $Emulator

    function Get-Upn([int] $Index) { 'user{0:D6}@contoso.com' -f $Index }
    function Connect-WithToken {
        $token = ConvertTo-SecureString $Emulator.Token -AsPlainText -Force
        Connect-Entra -Environment $EnvironmentName -AccessToken $token -NoWelcome
    }
    function Invoke-Revoke([object[]] $UserIds, [hashtable] $Parameters = @{}) {
        $errors = $null
        $results = $UserIds | Revoke-EntraUserAllRefreshToken @Parameters -ErrorAction SilentlyContinue -ErrorVariable errors
        @{ Results = @($results); Errors = @($errors) }
    }
    # Everyone piped in was revoked (the emulator's count, not the cmdlet's claim) and nobody went
    # before the Retry-After they were given.
    function Assert-EveryoneRevokedPatiently($Run, $Stats, [int] $Count) {
        $Run.Errors | Should -BeNullOrEmpty
        $Run.Results.Count | Should -Be $Count
        $Stats.revokedUsers | Should -Be $Count
        $Stats.earlyRetries | Should -Be 0
    }
    # 429s per revocation sent (a $batch item counts as one, as Graph's quota counts it).
    function Get-ThrottledShare($Stats) {
        $revocationsSent = $Stats.totalRequests - $Stats.batchRequests + $Stats.batchItems
        $Stats.throttled / $revocationsSent
    }
}

AfterAll {
    Disconnect-Entra
    Stop-GraphEmulator $Emulator
}

Describe 'Revoke-EntraUserAllRefreshToken under Graph''s write quota' {
    BeforeEach {
        Reset-GraphEmulator -Emulator $Emulator
        Disconnect-Entra
        Connect-WithToken
    }

    It 'keeps a single run''s 429s to the first contact with a 20/s quota (<Style> Retry-After)' -ForEach @(
        @{ Style = 'fractional'; RetryAfter = $null }
        @{ Style = 'whole-second'; RetryAfter = 'wholeSeconds' }
    ) {
        Set-GraphEmulatorFault @{ rateLimitPerSecond = 20; rateLimitBurst = 20; rateLimitRetryAfter = $RetryAfter } | Out-Null
        $users = @(1..300 | ForEach-Object { Get-Upn $_ })

        $run = Invoke-Revoke $users

        $stats = Get-GraphEmulatorStat
        Assert-EveryoneRevokedPatiently $run $stats 300
        # The opening window (slow start) meets an empty bucket once; before the pace was learned
        # from the spacing of successes, ~20 % of requests were answered 429 all through the run.
        Get-ThrottledShare $stats | Should -BeLessThan 0.12 -Because "$($stats.throttled) of the requests were answered 429"
    }

    It 'opens a batched run in revocations, not in requests, against a 20/s quota (<Style> Retry-After)' -ForEach @(
        @{ Style = 'fractional'; RetryAfter = $null }
        @{ Style = 'whole-second'; RetryAfter = 'wholeSeconds' }
    ) {
        Set-GraphEmulatorFault @{ rateLimitPerSecond = 20; rateLimitBurst = 20; rateLimitRetryAfter = $RetryAfter } | Out-Null
        $users = @(1..300 | ForEach-Object { Get-Upn $_ })

        $run = Invoke-Revoke $users @{ UseBatch = $true }

        $stats = Get-GraphEmulatorStat
        Assert-EveryoneRevokedPatiently $run $stats 300
        # Graph's quota counts a $batch's items: a run that opened with four full sends put 80
        # revocations against a bucket of 20, and 60 of ~360 (17 %) were answered 429 at once.
        # Opening in revocations (4, 8, 16, ...) costs what an unbatched opening costs.
        Get-ThrottledShare $stats | Should -BeLessThan 0.10 -Because "$($stats.throttled) of the revocations were answered 429"
    }

    It 'keeps a batched run within the burst of a 100/s quota with a burst of 10' {
        Set-GraphEmulatorFault @{ rateLimitPerSecond = 100; rateLimitBurst = 10 } | Out-Null
        $users = @(1..300 | ForEach-Object { Get-Upn $_ })

        $run = Invoke-Revoke $users @{ UseBatch = $true }

        $stats = Get-GraphEmulatorStat
        Assert-EveryoneRevokedPatiently $run $stats 300
        # A $batch of 20 can never fit a bucket of 10: sends shrink to what went through.
        $stats.batchItems / $stats.batchRequests | Should -BeLessThan 15
    }

    It 'keeps within a 100/s quota where Graph says how much of it is used (<Mode>)' -ForEach @(
        @{ Mode = 'single'; Parameters = @{} }
        @{ Mode = '-UseBatch'; Parameters = @{ UseBatch = $true } }
    ) {
        # x-ms-throttle-limit-percentage on every answer past 80 % of the bucket: the pace holds
        # there instead of probing (engine_throttled_pacing.rs measures what that saves on the
        # paced clock); here, end to end, the header read from real responses costs nothing.
        Set-GraphEmulatorFault @{ rateLimitPerSecond = 100; rateLimitBurst = 10; rateLimitUsageHeader = $true } | Out-Null
        $users = @(1..300 | ForEach-Object { Get-Upn $_ })

        $run = Invoke-Revoke $users $Parameters

        $stats = Get-GraphEmulatorStat
        Assert-EveryoneRevokedPatiently $run $stats 300
        Get-ThrottledShare $stats | Should -BeLessThan 0.10 -Because "$($stats.throttled) of the revocations were answered 429"
    }

    It 'pauses once for a long Retry-After and paces under the quota afterwards' {
        Set-GraphEmulatorFault @{ rateLimitPerSecond = 20; rateLimitBurst = 20; rateLimitRetryAfter = 3 } | Out-Null
        $users = @(1..120 | ForEach-Object { Get-Upn $_ })

        $run = Invoke-Revoke $users

        $run.Errors | Should -BeNullOrEmpty
        $run.Results.Count | Should -Be 120
        $stats = Get-GraphEmulatorStat
        $stats.earlyRetries | Should -Be 0
        # The first contact costs the opening window; after the pause the pace stays at Graph's
        # write rate (20/s) and probes upward slowly, so the bucket never runs dry again.
        $stats.throttled | Should -BeLessOrEqual 32 -Because 'only the requests in flight at the first 429 are refused'
    }
}
