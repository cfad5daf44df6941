/** Storage of the mailqueue area. Methods are added by the area that owns it; every adapter implements them. */
export interface MailQueueRepo {}
