// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

/// @title UtcDate
/// @notice Unix time as a UTC calendar date and time of day, for text a person reads (a receipt's settlement time).
library UtcDate {
    using Strings for uint256;

    uint256 private constant SECONDS_PER_DAY = 86_400;
    uint256 private constant SECONDS_PER_HOUR = 3600;
    uint256 private constant SECONDS_PER_MINUTE = 60;
    /// @dev Days from 0000-03-01 (the proleptic Gregorian calendar's day 0 in the algorithm below) to 1970-01-01.
    uint256 private constant EPOCH_SHIFT_DAYS = 719_468;
    /// @dev A 400-year era of the Gregorian calendar repeats exactly: 146,097 days.
    uint256 private constant DAYS_PER_ERA = 146_097;
    uint256 private constant YEARS_PER_ERA = 400;
    uint256 private constant DAYS_PER_YEAR = 365;
    /// @dev ASCII '0'.
    uint8 private constant DIGIT_ZERO = 0x30;

    /// @notice `timestamp` (seconds since 1970-01-01 00:00 UTC) as "YYYY-MM-DD HH:MM UTC", seconds dropped (rounded
    /// down to the minute). Years after 9999 print with as many digits as they have.
    function format(uint256 timestamp) internal pure returns (string memory) {
        uint256 secondOfDay = timestamp % SECONDS_PER_DAY;
        return
            string.concat(
                _date(timestamp / SECONDS_PER_DAY),
                " ",
                _twoDigits(secondOfDay / SECONDS_PER_HOUR),
                ":",
                _twoDigits((secondOfDay % SECONDS_PER_HOUR) / SECONDS_PER_MINUTE),
                " UTC"
            );
    }

    /// @notice The proleptic Gregorian date (year, month 1-12, day 1-31) of the day `daysSinceEpoch` days after
    /// 1970-01-01.
    /// @dev Howard Hinnant's `civil_from_days` (https://howardhinnant.github.io/date_algorithms.html), restricted to
    /// days on or after 0000-03-01, which every unsigned day count is: the day is shifted to count from 0000-03-01,
    /// split into 400-year eras, and the year of the era found with the leap-day corrections (every 4th year, but
    /// not every 100th, but every 400th); counting years from March puts the leap day last, so that month lengths
    /// follow the 153-days-per-5-months pattern. The literals are the algorithm's: 1460, 36524 and 146096 are the last
    /// days of a 4-, 100- and 400-year cycle, 153 and 5 the days of five months from March and those months. Nothing
    /// overflows for a day count from any uint256 timestamp.
    function civilFromDays(uint256 daysSinceEpoch) internal pure returns (uint256 year, uint256 month, uint256 day) {
        uint256 z = daysSinceEpoch + EPOCH_SHIFT_DAYS;
        uint256 era = z / DAYS_PER_ERA;
        uint256 dayOfEra = z - era * DAYS_PER_ERA; // [0, 146096]
        uint256 yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / DAYS_PER_YEAR;
        uint256 dayOfYear = dayOfEra - (DAYS_PER_YEAR * yearOfEra + yearOfEra / 4 - yearOfEra / 100); // from March 1
        uint256 marchMonth = (5 * dayOfYear + 2) / 153; // [0, 11], March = 0
        day = dayOfYear - (153 * marchMonth + 2) / 5 + 1;
        month = marchMonth < 10 ? marchMonth + 3 : marchMonth - 9;
        year = yearOfEra + era * YEARS_PER_ERA + (month <= 2 ? 1 : 0);
    }

    /// @dev The day `daysSinceEpoch` days after 1970-01-01 as "YYYY-MM-DD".
    function _date(uint256 daysSinceEpoch) private pure returns (string memory) {
        (uint256 year, uint256 month, uint256 day) = civilFromDays(daysSinceEpoch);
        return string.concat(year.toString(), "-", _twoDigits(month), "-", _twoDigits(day));
    }

    /// @dev `value` (below 100) as exactly two decimal digits.
    function _twoDigits(uint256 value) private pure returns (string memory) {
        return string(abi.encodePacked(bytes1(DIGIT_ZERO + uint8(value / 10)), bytes1(DIGIT_ZERO + uint8(value % 10))));
    }
}
