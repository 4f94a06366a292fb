import { type DynamicModule, Module } from '@nestjs/common';
import { FeedHealth } from './feed-health';
import { FeedStreams } from './feed-streams';
import { FEEDS_OPTIONS, type FeedsOptions } from './feeds.tokens';
import { StatusFeedController } from './status-feed.controller';
import { StatusFeedHub } from './status-feed-hub';

/** The HTTP status feed and the feed's health report; the relay (if any) is started by the caller. */
@Module({})
export class FeedsModule {
  static create(options: FeedsOptions = {}): DynamicModule {
    return {
      module: FeedsModule,
      providers: [{ provide: FEEDS_OPTIONS, useValue: options }, StatusFeedHub, FeedStreams, FeedHealth],
      controllers: [StatusFeedController],
      exports: [FeedHealth],
    };
  }
}
