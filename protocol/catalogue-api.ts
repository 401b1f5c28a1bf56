// The catalogue as the booking server answers customers (DESIGN.md): every
// provider's shows, a day at a time or whole, one show, and a show's seat map,
// each with its venue's time zone.
import { z } from 'zod';
import { seatsResponse as providerSeatsResponse, showSchema } from './provider-api.js';
import { epochSeconds } from './verdict.js';
import { DAY_PATTERN } from './venue-day.js';

/** The IANA time zone of the venue a show or ticket belongs to: its times are read in it (the booking server's own zone for a venue without one). */
export const venueTimeZone = z.string();
export const catalogueShowSchema = showSchema.extend({ providerId: z.string(), timeZone: venueTimeZone });
export type CatalogueShow = z.infer<typeof catalogueShowSchema>;
/** A day with showtimes on sale, for a strip of days to pick from. */
export const catalogueDaySchema = z.object({
  /** the calendar day in the venue's zone, YYYY-MM-DD */
  day: z.string(),
  /** showtimes on sale that day */
  shows: z.number().int(),
  /** the day's first showtime and its venue's zone: the day is named ("Today", "Mon 7 Dec") as that venue sees it */
  startsAt: epochSeconds,
  timeZone: venueTimeZone,
});
export type CatalogueDay = z.infer<typeof catalogueDaySchema>;
/** `day`: one day's showtimes (each on its venue's calendar), or `first`, the first day on sale; without it, every showtime. */
export const catalogueQuery = z.object({
  day: z.string().regex(DAY_PATTERN, 'a day as YYYY-MM-DD, or first').optional(),
});
export const catalogueResponse = z.object({
  shows: z.array(catalogueShowSchema),
  /** providers that did not answer in time: their shows are left out */
  unavailable: z.array(z.string()),
  /** every day with showtimes on sale, in order, whatever `day` asked */
  days: z.array(catalogueDaySchema),
  /** the day `shows` are of; null when every showtime was asked for, or `first` found none */
  day: z.string().nullable(),
});

/** A show's seat map, with the venue's zone for the show's times. */
export const seatsResponse = providerSeatsResponse.extend({ timeZone: venueTimeZone });
